/**
 * Where the anchor sealer runs in the central bank's process (docs/decisions/0021-sealer-at-background-priority.md):
 * in a worker thread at the lowest scheduling priority, so it seals with the CPU the ledger
 * engine leaves and never takes a core from it; or, with ANCHOR_SEALER_THREAD=false or when the
 * app runs from its TypeScript sources (tests), on the main thread as an ordinary provider.
 *
 * The thread is the only sealer either way (it takes the sealer's advisory lock itself). If it
 * dies it is started again after `restartDelayMs`; the chain resumes from the database.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { KAFKA, KAFKA_PRODUCER, LOGGER, PG_POOL, type Logger } from '@cbdc/platform';
import { CENTRAL_BANK_KEY, CENTRAL_BANK_SETTINGS } from '../central-bank.tokens';
import type { CentralBankSettings } from '../central-bank.settings';
import type { CentralBankKey } from '../keys/central-bank-key';
import { AnchorSealer } from './anchor-sealer.service';
import { anchorSealerStopMessage, anchorSealerStoppedMessage, type AnchorSealerWorkerData } from './anchor-sealer.worker';

/** The sealer thread's nice value: 19, the lowest priority Linux has. */
export const sealerThreadNiceness = 19;
/** After the thread died, how long before it is started again. */
const restartDelayMs = 1_000;
/** How long a stopping thread may take to finish its round and close, before it is terminated. */
const stopTimeoutMs = 10_000;

@Injectable()
export class AnchorSealerHost implements OnApplicationBootstrap, OnModuleDestroy {
  private worker: Worker | undefined;
  private inProcess: AnchorSealer | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CENTRAL_BANK_KEY) private readonly key: CentralBankKey,
    @Inject(CENTRAL_BANK_SETTINGS) private readonly settings: CentralBankSettings,
  ) {}

  /** The compiled worker entry beside this file; absent when running from sources. */
  static workerEntry(): string | undefined {
    const entry = join(__dirname, 'anchor-sealer.worker.js');
    return __filename.endsWith('.js') && existsSync(entry) ? entry : undefined;
  }

  onApplicationBootstrap(): void {
    const entry = AnchorSealerHost.workerEntry();
    if (!this.settings.ANCHOR_ENABLED || !this.settings.ANCHOR_SEALER_THREAD || entry === undefined) {
      this.inProcess = new AnchorSealer(this.pool, this.kafka, this.producer, this.logger, this.key, this.settings);
      this.inProcess.onApplicationBootstrap();
      return;
    }
    this.start(entry);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer !== undefined) clearTimeout(this.restartTimer);
    await this.inProcess?.onModuleDestroy();
    const worker = this.worker;
    if (worker === undefined) return;
    const exited = new Promise<void>((resolveExit) => worker.once('exit', () => resolveExit()));
    const stopped = new Promise<void>((resolveStopped) => worker.on('message', (message) => message === anchorSealerStoppedMessage && resolveStopped()));
    worker.postMessage(anchorSealerStopMessage);
    const timer = setTimeout(() => void worker.terminate(), stopTimeoutMs);
    await Promise.race([stopped.then(() => exited), exited]);
    clearTimeout(timer);
  }

  private start(entry: string): void {
    const s = this.settings;
    const workerData: AnchorSealerWorkerData = {
      databaseUrl: s.DATABASE_URL,
      kafkaBrokers: s.KAFKA_BROKERS,
      logLevel: s.LOG_LEVEL,
      key: { publicKey: this.key.publicKey, privateKey: this.key.privateKey, publicKeyHex: this.key.publicKeyHex, createdAtMs: this.key.createdAt.getTime() },
      settings: {
        ANCHOR_ENABLED: s.ANCHOR_ENABLED,
        ANCHOR_BLOCK_ENTRIES_MAX: s.ANCHOR_BLOCK_ENTRIES_MAX,
        ANCHOR_BLOCK_INTERVAL_MS: s.ANCHOR_BLOCK_INTERVAL_MS,
        ANCHOR_POLL_MS: s.ANCHOR_POLL_MS,
        ANCHOR_QUORUM: s.ANCHOR_QUORUM,
      },
      niceness: sealerThreadNiceness,
    };
    const worker = new Worker(entry, { workerData });
    this.worker = worker;
    worker.on('error', (error) => this.logger.error({ err: error }, 'the anchor sealer thread failed'));
    worker.on('exit', (code) => {
      if (this.stopping) return;
      this.logger.error({ code, restartInMs: restartDelayMs }, 'the anchor sealer thread exited; starting it again');
      this.restartTimer = setTimeout(() => this.start(entry), restartDelayMs);
    });
    this.logger.info({ niceness: sealerThreadNiceness }, 'the anchor sealer runs in a worker thread');
  }
}
