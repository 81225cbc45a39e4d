import { ConfigError, commonSettings, loadSettings, setting, type SettingsOf } from '@cbdc/platform';

/** Default ports of the operators the demo runs; any other operator must set PORT. */
export const bankPortsDefault: Readonly<Record<string, number>> = { 'bank-a': 7101, 'bank-b': 7102 };

const { PORT: _port, ...shared } = commonSettings();

export const commercialBankSettings = {
  ...shared,
  /** Which operator this process is: one codebase, one process (and database) per operator. */
  BANK_ID: setting.string({ pattern: /^bank-[a-z0-9]+(-[a-z0-9]+)*$/, patternHint: 'an operator id like bank-a' }),
  PORT: setting.optional(setting.int({ min: 1, max: 65535 })),
};

export type CommercialBankSettings = Omit<SettingsOf<typeof commercialBankSettings>, 'PORT'> & { readonly PORT: number };

/** Loads the settings; PORT defaults by BANK_ID (bank-a 7101, bank-b 7102) and is required otherwise. */
export function loadCommercialBankSettings(env: Record<string, string | undefined> = process.env): CommercialBankSettings {
  const loaded = loadSettings(commercialBankSettings, env);
  const port = loaded.PORT ?? bankPortsDefault[loaded.BANK_ID];
  if (port === undefined) throw new ConfigError([`Setting PORT is missing (no default port for ${loaded.BANK_ID})`]);
  return { ...loaded, PORT: port };
}
