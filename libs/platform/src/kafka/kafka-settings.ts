import { ConfigError, setting } from '../config/settings';
import { kafkaSaslMechanisms, type KafkaSaslCredentials, type KafkaSaslMechanism } from './kafka-client';

/**
 * The Kafka principal an app authenticates as (docs/decisions/0015-kafka-acls.md). Spread into an
 * app's settings schema. Both absent: no authentication (a broker without SASL, such as the
 * container manifests run). `npm start` (scripts/run-system.ts) gives each app its own principal
 * from `$STACK_DIR/kafka/credentials.json`.
 */
export const kafkaSaslSettings = {
  KAFKA_SASL_MECHANISM: setting.oneOf(kafkaSaslMechanisms, { default: 'scram-sha-512' }),
  KAFKA_SASL_USERNAME: setting.optional(setting.string({ pattern: /^[A-Za-z0-9._-]{1,100}$/, patternHint: 'a Kafka principal name like bank-a' })),
  KAFKA_SASL_PASSWORD: setting.optional(setting.string()),
};

export interface KafkaSaslSettingValues {
  readonly KAFKA_SASL_MECHANISM: KafkaSaslMechanism;
  readonly KAFKA_SASL_USERNAME: string | undefined;
  readonly KAFKA_SASL_PASSWORD: string | undefined;
}

/**
 * The credentials the settings name, or undefined when they name none: createKafka then uses the
 * process environment's, which is where a test that builds settings from its own object finds the
 * stack's admin principal (libs/testing testStackEnv puts it there).
 */
export function kafkaSaslOf(settings: KafkaSaslSettingValues): KafkaSaslCredentials | undefined {
  const { KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = settings;
  if (username === undefined && password === undefined) return undefined;
  if (username === undefined || password === undefined) {
    throw new ConfigError([`Settings KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD go together; only ${username === undefined ? 'the password' : 'the user name'} is set`]);
  }
  return { mechanism: settings.KAFKA_SASL_MECHANISM, username, password };
}
