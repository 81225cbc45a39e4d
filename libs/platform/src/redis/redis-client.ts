import Redis from 'ioredis';
import type { Logger } from '../logging/logger';

export type { Redis };

/** Reconnect delays grow by this much per attempt up to the cap, and never stop. */
export const redisReconnectStepMs = 100;
export const redisReconnectDelayMsMax = 2_000;
/** How long one TCP connect to Redis may take. */
export const redisConnectTimeoutMs = 3_000;

export interface CreateRedisOptions {
  /** Shown by `CLIENT LIST`, so an operator sees which app holds a connection. */
  connectionName?: string;
  logger?: Logger;
}

/**
 * An ioredis client fit for BullMQ (`maxRetriesPerRequest: null`: a command waits for the
 * connection to come back instead of failing after a few retries) that reconnects forever with
 * a capped backoff. Connection errors are logged once per outage rather than at every attempt.
 */
export function createRedis(url: string, options: CreateRedisOptions = {}): Redis {
  const client = new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectTimeout: redisConnectTimeoutMs,
    connectionName: options.connectionName,
    retryStrategy: (attempt: number) => Math.min(attempt * redisReconnectStepMs, redisReconnectDelayMsMax),
  });
  let outage = false;
  client.on('error', (error: Error) => {
    lastErrors.set(client, error.message);
    if (!outage) {
      outage = true;
      options.logger?.warn({ err: error, component: 'redis' }, 'Redis connection lost; reconnecting');
    }
  });
  client.on('ready', () => {
    lastErrors.delete(client);
    if (outage) {
      outage = false;
      options.logger?.info({ component: 'redis' }, 'Redis connection is back');
    }
  });
  return client;
}

const lastErrors = new WeakMap<Redis, string>();

/** The last connection error of a client made by `createRedis`, for health reports. */
export function lastRedisError(client: Redis): string | undefined {
  return lastErrors.get(client);
}
