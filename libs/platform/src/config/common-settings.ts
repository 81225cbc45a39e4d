import { setting } from './settings';

/** Log levels pino knows, quietest last. */
export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

/**
 * The settings every app reads: where it listens and which stack it talks to. Each app spreads
 * these into its own schema and adds its own (e.g. BANK_ID).
 */
export function commonSettings(portDefault?: number) {
  return {
    PORT: setting.int({ min: 1, max: 65535, ...(portDefault === undefined ? {} : { default: portDefault }) }),
    // Loopback by default: nothing here is meant to be reachable from another machine.
    HOST: setting.string({ default: '127.0.0.1' }),
    DATABASE_URL: setting.url({ protocols: ['postgres', 'postgresql'] }),
    REDIS_URL: setting.url({ protocols: ['redis', 'rediss'] }),
    KAFKA_BROKERS: setting.list({ itemPattern: /^[^\s:]+:\d{1,5}$/, itemPatternHint: 'host:port' }),
    LOG_LEVEL: setting.oneOf(logLevels, { default: 'info' }),
  };
}
