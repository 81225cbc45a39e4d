/**
 * The anchor sealer's worker thread (started by AnchorSealerHost, anchor-sealer.host.ts): it lowers
 * its own scheduling priority, then runs the same AnchorSealer the main thread would, with a pool,
 * Kafka client and producer of its own, until the host posts `stop`.
 *
 * On Linux a nice value belongs to a thread, so `setPriority` here leaves the main thread (the
 * ledger engine's) at its own priority (docs/decisions/0021-sealer-at-background-priority.md).
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { createKafka, createLogger, createPool, createProducer, type LogLevel } from '@cbdc/platform';
import type { CentralBankKey } from '../keys/central-bank-key';
import { AnchorSealer, type AnchorSealerSettings } from './anchor-sealer.service';

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
/** Connections of the sealer's own pool: its session (advisory lock) and one for the watermark's reads. */
const sealerPoolSizeMax = 2;

async function main(): Promise<void> {
  const data = workerData as AnchorSealerWorkerData;
  const logger = createLogger({ app: 'central-bank', level: data.logLevel }).child({ component: 'anchor-sealer-thread' });
  try {
    setPriority(data.niceness);
  } catch (error) {
    logger.warn({ err: error, niceness: data.niceness }, 'the sealer thread could not lower its priority; it runs at the main thread’s');
  }
  const pool = createPool({ url: data.databaseUrl, applicationName: 'central-bank-sealer', poolSizeMax: sealerPoolSizeMax, logger });
  const kafka = createKafka({ brokers: data.kafkaBrokers, clientId: 'central-bank-sealer', logger });
  const producer = await createProducer(kafka);
  const key: CentralBankKey = { publicKey: data.key.publicKey, privateKey: data.key.privateKey, publicKeyHex: data.key.publicKeyHex, createdAt: new Date(data.key.createdAtMs) };
  const sealer = new AnchorSealer(pool, kafka, producer, logger, key, data.settings);
  sealer.onApplicationBootstrap();
  parentPort!.on('message', (message: unknown) => {
    if (message !== anchorSealerStopMessage) return;
    void (async () => {
      await sealer.onModuleDestroy();
      await producer.disconnect().catch((error: unknown) => logger.warn({ err: error }, 'closing the sealer’s producer failed'));
      await pool.end().catch((error: unknown) => logger.warn({ err: error }, 'closing the sealer’s pool failed'));
      parentPort!.postMessage(anchorSealerStoppedMessage);
      parentPort!.close();
    })();
  });
}

main().catch((error: unknown) => {
  // Thrown again outside the promise: an uncaught error ends the thread, and the host sees it as
  // the worker's `error` event, logs it and starts the thread again.
  setImmediate(() => {
    throw error;
  });
});
