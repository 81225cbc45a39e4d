import path from 'node:path';
import { commonSettings, kafkaSaslSettings, setting, type SettingsOf } from '@cbdc/platform';
import { ledgerCommandsTopic, regulatorReportsTopic } from '@cbdc/contracts';

export const regulatorPortDefault = 7103;
const topicPattern = /^[A-Za-z0-9._-]{1,200}$/;

export const regulatorSettings = {
  ...commonSettings(regulatorPortDefault),
  /** The Kafka principal (`regulator` under npm start); see docs/decisions/0015-kafka-acls.md. */
  ...kafkaSaslSettings,
  /**
   * Folder of the key ceremony's files (`cbdc regulator keygen --out <folder>`):
   * regulator-public.json and regulator-service-key.json. When absent: `$STACK_DIR/regulator`,
   * else `.stack/regulator`. Without them the regulator stores reports but cannot unmask.
   */
  REGULATOR_KEYS_DIR: setting.optional(setting.string()),
  STACK_DIR: setting.optional(setting.string()),
  REGULATOR_REPORTS_TOPIC: setting.string({ default: regulatorReportsTopic, pattern: topicPattern, patternHint: 'a Kafka topic name' }),
  LEDGER_COMMANDS_TOPIC: setting.string({ default: ledgerCommandsTopic, pattern: topicPattern, patternHint: 'a Kafka topic name' }),
  CONSUMER_GROUP_PREFIX: setting.string({ default: 'regulator', pattern: topicPattern, patternHint: 'a Kafka group id stem' }),
  /** Shares submitted for an unmasking are held in memory only, and forgotten after this long. */
  UNMASKING_SHARES_TTL_MS: setting.int({ min: 1_000, max: 7 * 24 * 3_600_000, default: 24 * 3_600_000 }),
};

export type RegulatorSettings = SettingsOf<typeof regulatorSettings>;

export function regulatorKeysDirOf(settings: Pick<RegulatorSettings, 'REGULATOR_KEYS_DIR' | 'STACK_DIR'>): string {
  return settings.REGULATOR_KEYS_DIR ?? path.join(settings.STACK_DIR ?? '.stack', 'regulator');
}

export const regulatorPublicFileName = 'regulator-public.json';
export const regulatorServiceKeyFileName = 'regulator-service-key.json';
