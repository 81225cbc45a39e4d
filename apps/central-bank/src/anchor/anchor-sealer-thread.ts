/**
 * What the central bank's main thread and the anchor sealer's worker thread say to each other
 * (anchor-sealer.host.ts starts anchor-sealer.worker.ts). Apart from the worker entry, so that
 * importing it runs nothing.
 */
import type { LogLevel } from '@cbdc/platform';
import type { AnchorSealerSettings } from './anchor-sealer.service';

/** What the host hands the thread. */
export interface AnchorSealerWorkerData {
  databaseUrl: string;
  kafkaBrokers: string[];
  logLevel: LogLevel;
  key: { publicKey: Uint8Array; privateKey: Uint8Array; publicKeyHex: string; createdAtMs: number };
  settings: AnchorSealerSettings;
  niceness: number;
}

/** The message the host posts to stop the thread, and the one the thread answers once stopped. */
export const anchorSealerStopMessage = 'stop';
export const anchorSealerStoppedMessage = 'stopped';
