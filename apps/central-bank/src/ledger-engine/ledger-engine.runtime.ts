/**
 * Everything the ledger engine runs with, built from settings: its PostgreSQL pool, Kafka client
 * and producer, the signature-verification worker pool and the engine itself. The central bank's
 * module, the integration tests and the benchmark all start the engine through this one function,
 * so they measure and test the same thing.
 */
import type { Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { createVerifyPool, VerifyPool, type VerifyItem } from '@cbdc/crypto';
import type { LedgerPolicy } from '@cbdc/ledger';
import { createKafka, createPool, createProducer, ensureTopics, type Logger } from '@cbdc/platform';
import { BatchStats, LedgerEngine, ledgerEngineSettingsDefault } from './ledger-engine';

export interface LedgerEngineRuntimeOptions {
  readonly databaseUrl: string;
  readonly kafkaBrokers: readonly string[];
  readonly topic: string;
  readonly partitions: number;
  readonly consumerGroup: string;
  readonly centralBankPublicKey: Uint8Array;
  /** The regulator's Ed25519 key for its audit-record commands; absent, those are refused. */
  readonly regulatorPublicKey?: Uint8Array | null;
  readonly policy: () => LedgerPolicy;
  readonly logger: Logger;
  readonly batchSizeMax?: number;
  readonly fetchWaitMs?: number;
  readonly verifyPoolSize?: number;
  readonly onBatch?: (stats: BatchStats) => void;
  /**
   * Benchmarks only: answers signature checks instead of the worker pool (with verdicts the same
   * pool computed earlier), to measure the single writer alone. Never set by the app.
   */
  readonly verifyOverride?: (items: readonly VerifyItem[]) => Promise<boolean[]>;
  /** Partitions of topics the engine creates on first use (operators' event topics). */
  readonly createdTopicPartitions?: number;
}

export interface LedgerEngineRuntime {
  readonly engine: LedgerEngine;
  readonly pool: Pool;
  readonly kafka: Kafka;
  readonly producer: Producer;
  readonly verifyPool: VerifyPool;
  close(): Promise<void>;
}

/**
 * Public keys the verification workers keep parsed. Parsing a key costs about as much as a
 * verification, so the cache should hold every active wallet: 256k keys is ~100 MB per worker.
 */
export const verifyKeyCacheSizeMax = 262_144;

/** Connections the engine needs: one writer per partition, plus reads running beside the writes. */
function enginePoolSize(partitions: number): number {
  return partitions * 2 + 2;
}

export async function startLedgerEngine(options: LedgerEngineRuntimeOptions): Promise<LedgerEngineRuntime> {
  const pool = createPool({
    url: options.databaseUrl,
    applicationName: 'central-bank.ledger-engine',
    poolSizeMax: enginePoolSize(options.partitions),
    logger: options.logger,
  });
  const kafka = createKafka({ brokers: options.kafkaBrokers, clientId: `${options.consumerGroup}`, logger: options.logger });
  const producer = await createProducer(kafka);
  const verifyPool = createVerifyPool({
    keyCacheSizeMax: verifyKeyCacheSizeMax,
    ...(options.verifyPoolSize === undefined ? {} : { size: options.verifyPoolSize }),
  });
  const knownTopics = new Set<string>();
  const ensureTopic = async (topic: string) => {
    if (knownTopics.has(topic)) return;
    await ensureTopics(kafka, [{ name: topic, partitions: options.createdTopicPartitions ?? 1 }]);
    knownTopics.add(topic);
  };
  const engine = new LedgerEngine(
    {
      topic: options.topic,
      consumerGroup: options.consumerGroup,
      partitions: options.partitions,
      batchSizeMax: options.batchSizeMax ?? ledgerEngineSettingsDefault.batchSizeMax,
      fetchWaitMs: options.fetchWaitMs ?? ledgerEngineSettingsDefault.fetchWaitMs,
      fetchBytesMax: ledgerEngineSettingsDefault.fetchBytesMax,
      centralBankPublicKey: options.centralBankPublicKey,
      regulatorPublicKey: options.regulatorPublicKey ?? null,
    },
    {
      pool,
      kafka,
      producer,
      verify: options.verifyOverride ?? ((items) => verifyPool.verifyBatch(items)),
      policy: options.policy,
      ensureTopic,
      logger: options.logger,
      ...(options.onBatch ? { onBatch: options.onBatch } : {}),
    },
  );
  await engine.start();
  return {
    engine,
    pool,
    kafka,
    producer,
    verifyPool,
    close: async () => {
      await engine.stop();
      await producer.disconnect();
      await verifyPool.close();
      await pool.end();
    },
  };
}
