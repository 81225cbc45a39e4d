import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { KAFKA_PRODUCER, LOGGER, MetricsService, type Logger } from '@cbdc/platform';
import { CENTRAL_BANK_KEY, CENTRAL_BANK_SETTINGS } from '../central-bank.tokens';
import { consumerGroups, regulatorPublicFileOf, type CentralBankSettings } from '../central-bank.settings';
import type { CentralBankKey } from '../keys/central-bank-key';
import type { BatchStats } from '../ledger-engine/ledger-engine';
import { startLedgerEngine, type LedgerEngineRuntime } from '../ledger-engine/ledger-engine.runtime';
import { PolicyService } from '../policy/policy.service';
import { loadRegulatorSigningKey } from '../reports/regulator-public-key';

/** Commands per batch: the engine's cap is 2,000 by default, so the buckets reach past it. */
const batchSizeBuckets = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000];
/** Seconds from BEGIN to COMMIT of one batch: fsync-bound, a few milliseconds when healthy. */
const commitSecondsBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * Runs the ledger engine inside the central bank's process: started when the module initialises
 * (the schema is migrated, the key and the policy are loaded by then), closed on shutdown. Its
 * batches feed the app's Prometheus metrics.
 */
@Injectable()
export class LedgerEngineHost implements OnModuleInit, OnModuleDestroy {
  private runtime: LedgerEngineRuntime | null = null;
  private readonly onBatch: (stats: BatchStats) => void;

  constructor(
    @Inject(CENTRAL_BANK_SETTINGS) private readonly settings: CentralBankSettings,
    @Inject(CENTRAL_BANK_KEY) private readonly key: CentralBankKey,
    @Inject(PolicyService) private readonly policy: PolicyService,
    @Inject(LOGGER) private readonly logger: Logger,
    // Injected for its side effect: the platform creates the ledger topic before the producer,
    // so the engine never subscribes to a topic that does not exist yet.
    @Inject(KAFKA_PRODUCER) _producer: Producer,
    @Inject(MetricsService) metrics: MetricsService,
  ) {
    const batches = metrics.counter({ name: 'ledger_batches_total', help: 'Batches the ledger engine committed', labelNames: ['partition'] });
    const batchSize = metrics.histogram({
      name: 'ledger_batch_commands',
      help: 'Commands per committed batch',
      labelNames: ['partition'],
      buckets: batchSizeBuckets,
    });
    const commitSeconds = metrics.histogram({
      name: 'ledger_batch_commit_seconds',
      help: 'From BEGIN to COMMIT of one batch, deciding included',
      labelNames: ['partition'],
      buckets: commitSecondsBuckets,
    });
    const accepted = metrics.counter({ name: 'ledger_commands_accepted_total', help: 'Ledger commands accepted' });
    const rejected = metrics.counter({ name: 'ledger_commands_rejected_total', help: 'Ledger commands rejected (business rules or signatures)' });
    const duplicates = metrics.counter({ name: 'ledger_commands_duplicate_total', help: 'Repeats of decided command ids, answered with the first answer' });
    const deadLetters = metrics.counter({ name: 'ledger_commands_dead_letter_total', help: 'Messages on the ledger topic that did not parse' });
    this.onBatch = (stats) => {
      const labels = { partition: String(stats.partition) };
      batches.inc(labels);
      batchSize.observe(labels, stats.commands);
      commitSeconds.observe(labels, stats.commitMs / 1_000);
      if (stats.accepted > 0) accepted.inc(stats.accepted);
      if (stats.rejected > 0) rejected.inc(stats.rejected);
      if (stats.duplicates > 0) duplicates.inc(stats.duplicates);
      if (stats.deadLetters > 0) deadLetters.inc(stats.deadLetters);
    };
  }

  async onModuleInit(): Promise<void> {
    const s = this.settings;
    this.runtime = await startLedgerEngine({
      databaseUrl: s.DATABASE_URL,
      kafkaBrokers: s.KAFKA_BROKERS,
      topic: s.LEDGER_COMMANDS_TOPIC,
      partitions: s.LEDGER_PARTITIONS,
      consumerGroup: consumerGroups(s).ledgerEngine,
      centralBankPublicKey: this.key.publicKey,
      regulatorPublicKey: loadRegulatorSigningKey(regulatorPublicFileOf(s), this.logger),
      policy: () => this.policy.current(),
      logger: this.logger,
      onBatch: this.onBatch,
      ...(s.LEDGER_VERIFY_POOL_SIZE === undefined ? {} : { verifyPoolSize: s.LEDGER_VERIFY_POOL_SIZE }),
      ...(s.LEDGER_BATCH_SIZE_MAX === undefined ? {} : { batchSizeMax: s.LEDGER_BATCH_SIZE_MAX }),
      ...(s.LEDGER_FETCH_WAIT_MS === undefined ? {} : { fetchWaitMs: s.LEDGER_FETCH_WAIT_MS }),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.runtime?.close();
    this.runtime = null;
  }
}
