import type { TopicSpec } from '@cbdc/contracts';
import type { PoolLimits } from './database/pool';
import type { KafkaSaslCredentials } from './kafka/kafka-client';
import type { Logger } from './logging/logger';

/**
 * What one app needs from the shared infrastructure. A part left out (no `kafka`) is neither
 * connected nor health-checked.
 */
export interface PlatformOptions {
  /** The app's name: `central-bank`, `commercial-bank`, `regulator`. */
  app: string;
  /** For an app run once per operator (the commercial bank): `bank-a`, `bank-b`, ... */
  operatorId?: string;
  version: string;
  logger: Logger;
  postgres?: {
    url: string;
    /** Folder of `NNNN-name.sql` files applied at start; found under `apps/<app>/migrations` when absent; false to skip. */
    migrationsDir?: string | false;
    limits?: Partial<PoolLimits>;
  };
  redis?: {
    url: string;
  };
  kafka?: {
    brokers: readonly string[];
    /** Defaults to the operator id, else the app name. */
    clientId?: string;
    /** The principal this app authenticates as (kafkaSaslOf(settings)); see createKafka for absent and null. */
    sasl?: KafkaSaslCredentials | null;
    /** Topics this app uses, created at start if missing. */
    topics?: readonly TopicSpec[];
  };
}

/** The Kafka client id (and the stem of group ids) of this process. */
export function kafkaClientIdOf(options: PlatformOptions): string {
  return options.kafka?.clientId ?? options.operatorId ?? options.app;
}
