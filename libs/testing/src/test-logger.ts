import { createLogger, type Logger, type LogLevel } from '@cbdc/platform';

/** A JSON logger for tests: quiet (warn) unless TEST_LOG_LEVEL says otherwise. */
export function testLogger(name = 'test'): Logger {
  return createLogger({ app: name, level: (process.env.TEST_LOG_LEVEL as LogLevel | undefined) ?? 'warn' });
}
