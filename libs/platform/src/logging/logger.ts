import pino from 'pino';
import type { LogLevel } from '../config/common-settings';

/** The structured logger of the project: pino, one JSON object per line on stdout. */
export type Logger = pino.Logger;

export interface LoggerOptions {
  app: string;
  operatorId?: string;
  level?: LogLevel;
  /** Where lines go; stdout when absent. Tests pass a stream to read what was logged. */
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const base: Record<string, string> = { app: options.app };
  if (options.operatorId !== undefined) base.operatorId = options.operatorId;
  return pino(
    {
      level: options.level ?? 'info',
      base,
      timestamp: pino.stdTimeFunctions.isoTime,
      // Level names rather than numbers: people read these lines too.
      formatters: { level: (label) => ({ level: label }) },
    },
    // Synchronous writes: the last line before a crash or an exit(1) must not be lost in a buffer.
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
