import { centralBankControlTopic, ledgerCommandsTopic } from '@cbdc/contracts';
import { ConfigError, commonSettings, kafkaSaslSettings, loadSettings, setting, type SettingsOf } from '@cbdc/platform';

/** Default ports of the operators the demo runs; any other operator must set PORT. */
export const bankPortsDefault: Readonly<Record<string, number>> = { 'bank-a': 7101, 'bank-b': 7102 };

const { PORT: _port, ...shared } = commonSettings();

export const commercialBankSettings = {
  ...shared,
  /** This operator's Kafka principal (its BANK_ID): it may read only its own topics. */
  ...kafkaSaslSettings,
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
  /**
   * The central bank's public key (hex) that anchor block signatures are checked with. When absent,
   * it is fetched once from the central bank (GET /v1/central-bank) and pinned in the database.
   */
  CENTRAL_BANK_PUBLIC_KEY: setting.optional(setting.string({ pattern: /^[0-9a-f]{64}$/, patternHint: '32 bytes of lower-case hex' })),
  /** Where to fetch that key; default http://127.0.0.1:$CENTRAL_BANK_PORT (7100), as the local system runs it. */
  CENTRAL_BANK_URL: setting.optional(setting.string({ pattern: /^https?:\/\/\S+$/, patternHint: 'an http(s) URL' })),
  CENTRAL_BANK_PORT: setting.optional(setting.int({ min: 1, max: 65535 })),
  /** How long a block proposal waits for this bank's books to catch up with the ledger before it is refused. */
  ANCHOR_RECORDS_WAIT_MS: setting.int({ min: 0, max: 600_000, default: 10_000 }),
  /**
   * How long Kafka waits for a silent consumer of this bank before giving its partitions to
   * another member: a bank restarted after a crash resumes its topics about this long later.
   * The broker refuses less than its group.min.session.timeout.ms (6 s by default).
   */
  KAFKA_SESSION_TIMEOUT_MS: setting.int({ min: 6_000, max: 300_000, default: 10_000 }),
  /** Payments a payer wallet may make per minute (Redis, fixed window); above it, 429 RATE_LIMITED. */
  PAYMENT_RATE_PER_WALLET_PER_MINUTE: setting.int({ min: 1, max: 1_000_000, default: 120 }),
  /** How long POST /v1/payments waits for the ledger's decision before answering 202 pending. */
  PAYMENT_SYNC_WAIT_MS: setting.int({ min: 0, max: 60_000, default: 5_000 }),
  /** Where the treasury sends issue and recall requests (a test gives each run its own topic). */
  CONTROL_TOPIC: setting.string({ default: centralBankControlTopic, pattern: /^[A-Za-z0-9._-]{1,200}$/, patternHint: 'a Kafka topic name' }),
  /** Treasury watermarks of the vault, in fen: below LOW it asks for an issue, above HIGH for a recall (0 = that side off). */
  TREASURY_VAULT_LOW: setting.string({ default: '0', pattern: /^(0|[1-9][0-9]{0,17})$/, patternHint: 'an amount in fen' }),
  TREASURY_VAULT_HIGH: setting.string({ default: '0', pattern: /^(0|[1-9][0-9]{0,17})$/, patternHint: 'an amount in fen' }),
  /** Where an issue or recall brings the vault; default halfway between the watermarks (LOW when HIGH is 0). */
  TREASURY_VAULT_TARGET: setting.optional(setting.string({ pattern: /^(0|[1-9][0-9]{0,17})$/, patternHint: 'an amount in fen' })),
  TREASURY_CHECK_INTERVAL_MS: setting.int({ min: 100, max: 86_400_000, default: 10_000 }),
  /** Webhook deliveries are tried at most this many times, with exponential backoff from WEBHOOK_BACKOFF_MS. */
  WEBHOOK_ATTEMPTS_MAX: setting.int({ min: 1, max: 50, default: 8 }),
  WEBHOOK_BACKOFF_MS: setting.int({ min: 10, max: 3_600_000, default: 1_000 }),
  /** How often expired identity documents are looked for (daily by default). */
  CLASS_DOWNGRADE_INTERVAL_MS: setting.int({ min: 1_000, max: 7 * 86_400_000, default: 86_400_000 }),
  /**
   * The regulator's public material (`cbdc regulator keygen`): wallet holders' identities are
   * sealed to its escrow key at opening. Default `$STACK_DIR/regulator/regulator-public.json`
   * (`.stack/...` without STACK_DIR); without the file, wallets open without escrow.
   */
  REGULATOR_PUBLIC_FILE: setting.optional(setting.string()),
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
