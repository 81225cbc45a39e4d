import path from 'node:path';
import { commonSettings, setting, type SettingsOf } from '@cbdc/platform';
import { centralBankControlTopic, ledgerCommandsTopic, ledgerPartitionsDefault, operatorIdsDefault } from '@cbdc/contracts';

export const centralBankPortDefault = 7100;
export const apiKeysFileName = 'central-bank-api-keys.json';
/** Relative paths resolve against the repository root; `.stack/` is the local stack's folder. */
export const apiKeysFileDefault = `.stack/${apiKeysFileName}`;
/** How long an HTTP call or the control consumer waits for the ledger engine to decide a command. */
export const ledgerAnswerTimeoutMsDefault = 10_000;

const topicPattern = /^[A-Za-z0-9._-]{1,200}$/;

export const centralBankSettings = {
  ...commonSettings(centralBankPortDefault),
  /** Operators the central bank answers diagnostics pings from, and whose topics it creates at start. */
  OPERATOR_IDS: setting.list({ default: operatorIdsDefault, itemPattern: /^[a-z0-9][a-z0-9-]{0,62}$/, itemPatternHint: 'an operator id like bank-a' }),
  LEDGER_PARTITIONS: setting.int({ min: 1, max: 256, default: ledgerPartitionsDefault }),
  /** Topics and consumer-group stem: the defaults are the system's; tests use their own to run side by side. */
  LEDGER_COMMANDS_TOPIC: setting.string({ default: ledgerCommandsTopic, pattern: topicPattern, patternHint: 'a Kafka topic name' }),
  CONTROL_TOPIC: setting.string({ default: centralBankControlTopic, pattern: topicPattern, patternHint: 'a Kafka topic name' }),
  CONSUMER_GROUP_PREFIX: setting.string({ default: 'central-bank', pattern: topicPattern, patternHint: 'a Kafka group id stem' }),
  /**
   * Where the API keys made at first start are written (plaintext, mode 0600), for the demo and
   * tests. When absent: `$STACK_DIR/central-bank-api-keys.json` if the stack's folder is known
   * (npm start and npm test export it), else `.stack/central-bank-api-keys.json`.
   */
  API_KEYS_FILE: setting.optional(setting.string()),
  STACK_DIR: setting.optional(setting.string()),
  LEDGER_ANSWER_TIMEOUT_MS: setting.int({ min: 100, max: 300_000, default: ledgerAnswerTimeoutMsDefault }),
  /** Signature-verification worker threads of the ledger engine; the engine's default when absent. */
  LEDGER_VERIFY_POOL_SIZE: setting.optional(setting.int({ min: 1, max: 64 })),
  LEDGER_BATCH_SIZE_MAX: setting.optional(setting.int({ min: 1, max: 100_000 })),
  LEDGER_LINGER_MS: setting.optional(setting.int({ min: 0, max: 1_000 })),
};

export type CentralBankSettings = SettingsOf<typeof centralBankSettings>;

/** Consumer groups of this process, from the configured stem. */
export function consumerGroups(settings: Pick<CentralBankSettings, 'CONSUMER_GROUP_PREFIX'>): { ledgerEngine: string; control: string } {
  return { ledgerEngine: `${settings.CONSUMER_GROUP_PREFIX}.ledger-engine`, control: `${settings.CONSUMER_GROUP_PREFIX}.control` };
}

/** The keys file this process writes (relative to the repository root unless absolute). */
export function apiKeysFileOf(settings: Pick<CentralBankSettings, 'API_KEYS_FILE' | 'STACK_DIR'>): string {
  if (settings.API_KEYS_FILE !== undefined) return settings.API_KEYS_FILE;
  if (settings.STACK_DIR !== undefined) return path.join(settings.STACK_DIR, apiKeysFileName);
  return apiKeysFileDefault;
}
