import path from 'node:path';
import { commonSettings, kafkaSaslSettings, setting, type SettingsOf } from '@cbdc/platform';
import { centralBankControlTopic, ledgerCommandsTopic, ledgerPartitionsDefault, operatorIdsDefault, regulatorReportsTopic } from '@cbdc/contracts';

export const centralBankPortDefault = 7100;
export const apiKeysFileName = 'central-bank-api-keys.json';
/** Relative paths resolve against the repository root; `.stack/` is the local stack's folder. */
export const apiKeysFileDefault = `.stack/${apiKeysFileName}`;
/** How long an HTTP call or the control consumer waits for the ledger engine to decide a command. */
export const ledgerAnswerTimeoutMsDefault = 10_000;

const topicPattern = /^[A-Za-z0-9._-]{1,200}$/;

/** The sealer's shortest wait between rounds (ANCHOR_POLL_MS), also what bench:anchor runs with. */
export const anchorPollMsDefault = 50;

export const centralBankSettings = {
  ...commonSettings(centralBankPortDefault),
  /** The Kafka principal (`central-bank` under npm start); see docs/decisions/0015-kafka-acls.md. */
  ...kafkaSaslSettings,
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
  /** How long the engine's idle fetch waits at the broker (no latency added: the broker answers on the first command). */
  LEDGER_FETCH_WAIT_MS: setting.optional(setting.int({ min: 1, max: 5_000 })),
  /** The anchor sealer (docs/decisions/0012): off only to measure its cost (npm run bench:anchor). */
  ANCHOR_ENABLED: setting.bool({ default: true }),
  /** A block is sealed when this many committed entries wait (at most anchorBlockEntriesMax, 400)... */
  ANCHOR_BLOCK_ENTRIES_MAX: setting.int({ min: 1, max: 400, default: 400 }),
  /** ...or when this long has passed since the last block with at least one entry waiting. */
  ANCHOR_BLOCK_INTERVAL_MS: setting.int({ min: 1, max: 60_000, default: 200 }),
  /**
   * The shortest wait between two rounds of the sealer's loop: it wakes one such poll before a
   * block can be due, and backs off to 200 ms when nothing waits (anchor/anchor-sealer-schedule.ts).
   */
  ANCHOR_POLL_MS: setting.int({ min: 1, max: 5_000, default: anchorPollMsDefault }),
  /** Endorsements that make a block final; default a majority of the registered operators. */
  ANCHOR_QUORUM: setting.optional(setting.int({ min: 1, max: 256 })),
  /**
   * The regulator's public material from the key ceremony (`cbdc regulator keygen`): the ledger
   * accepts audit records signed by the key in it. When absent: `$STACK_DIR/regulator/` or
   * `.stack/regulator/` + `regulator-public.json`; a missing file means audit records are refused.
   */
  REGULATOR_PUBLIC_FILE: setting.optional(setting.string()),
  REGULATOR_REPORTS_TOPIC: setting.string({ default: regulatorReportsTopic, pattern: topicPattern, patternHint: 'a Kafka topic name' }),
  /** How often the report tailer looks for newly committed payments. */
  REPORTS_POLL_MS: setting.int({ min: 50, max: 60_000, default: 1_000 }),
  /** Structuring: this many payments from one wallet, each just under the large-value threshold ... */
  STRUCTURING_PAYMENTS_MIN: setting.int({ min: 2, max: 64, default: 3 }),
  /** ... each at least this share of the threshold, in basis points (8,000 = 80%) ... */
  STRUCTURING_SHARE_BPS: setting.int({ min: 1, max: 9_999, default: 8_000 }),
  /** ... within this many hours. */
  STRUCTURING_WINDOW_HOURS: setting.int({ min: 1, max: 24 * 31, default: 24 }),
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

/** The regulator's public material file (see REGULATOR_PUBLIC_FILE). */
export function regulatorPublicFileOf(settings: Pick<CentralBankSettings, 'REGULATOR_PUBLIC_FILE' | 'STACK_DIR'>): string {
  if (settings.REGULATOR_PUBLIC_FILE !== undefined) return settings.REGULATOR_PUBLIC_FILE;
  return path.join(settings.STACK_DIR ?? '.stack', 'regulator', 'regulator-public.json');
}
