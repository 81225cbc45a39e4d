import { ledgerCommandsTopic } from '@cbdc/contracts';
import { ConfigError, commonSettings, loadSettings, setting, type SettingsOf } from '@cbdc/platform';

/** Default ports of the operators the demo runs; any other operator must set PORT. */
export const bankPortsDefault: Readonly<Record<string, number>> = { 'bank-a': 7101, 'bank-b': 7102 };

const { PORT: _port, ...shared } = commonSettings();

export const commercialBankSettings = {
  ...shared,
  /** Which operator this process is: one codebase, one process (and database) per operator. */
  BANK_ID: setting.string({ pattern: /^bank-[a-z0-9]+(-[a-z0-9]+)*$/, patternHint: 'an operator id like bank-a' }),
  PORT: setting.optional(setting.int({ min: 1, max: 65535 })),
  /** Where the bank sends its signed ledger commands (a test gives each run its own topic). */
  LEDGER_COMMANDS_TOPIC: setting.string({ default: ledgerCommandsTopic, pattern: /^[A-Za-z0-9._-]{1,200}$/, patternHint: 'a Kafka topic name' }),
  /**
   * Where the staff API keys are written (mode 0600) at first start; relative paths start at the
   * repository root. Default `.stack/<BANK_ID>-api-keys.json`.
   */
  API_KEYS_FILE: setting.optional(setting.string()),
};

export type CommercialBankSettings = Omit<SettingsOf<typeof commercialBankSettings>, 'PORT'> & { readonly PORT: number };

/** Loads the settings; PORT defaults by BANK_ID (bank-a 7101, bank-b 7102) and is required otherwise. */
export function loadCommercialBankSettings(env: Record<string, string | undefined> = process.env): CommercialBankSettings {
  const loaded = loadSettings(commercialBankSettings, env);
  const port = loaded.PORT ?? bankPortsDefault[loaded.BANK_ID];
  if (port === undefined) throw new ConfigError([`Setting PORT is missing (no default port for ${loaded.BANK_ID})`]);
  return { ...loaded, PORT: port };
}

/** The keys file of this operator: the setting, or `.stack/<BANK_ID>-api-keys.json`. */
export function apiKeysFileOf(settings: Pick<CommercialBankSettings, 'API_KEYS_FILE' | 'BANK_ID'>): string {
  return settings.API_KEYS_FILE ?? `.stack/${settings.BANK_ID}-api-keys.json`;
}
