import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from '../logging/logger';

/**
 * A Kafka consumer that hands whole batches to a handler and commits the offset only after the
 * handler resolved. A handler that throws commits nothing: kafkajs retries the batch, and after
 * its retries restarts the consumer from the last committed offset, so the same messages come
 * again (at-least-once; handlers must be idempotent, which the inbox table makes cheap).
 */

export interface ConsumedMessage {
  topic: string;
  partition: number;
  /** Kafka offsets are 64-bit: kept as a decimal string, never a float. */
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** Milliseconds since the epoch, as kafkajs gives it. */
  timestamp: string;
}

export interface BatchContext {
  topic: string;
  partition: number;
  /** Call during a long batch so the group does not think this member died. */
  heartbeat(): Promise<void>;
}

export type BatchHandler = (messages: ConsumedMessage[], context: BatchContext) => Promise<void>;

/** Consumer limits, named with their unit last. */
export interface ConsumerLimits {
  /** A member silent for this long is thrown out of the group and its partitions reassigned. */
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** Bytes one fetch may return across partitions; bounds the size of one batch. */
  batchBytesMax: number;
  /** Bytes one fetch may return for one partition. */
  partitionBytesMax: number;
  /**
   * How long the broker may hold an idle fetch open. It answers as soon as one message is there,
   * so this adds no latency; it only sets how often an idle consumer asks.
   */
  fetchWaitMs: number;
  /**
   * Offsets are committed to Kafka at most this often (0: after every batch). Above 0, a restart
   * delivers again up to this long of handled messages, which an idempotent handler ignores; one
   * broker round trip per batch saved.
   */
  offsetCommitIntervalMs: number;
}

export const consumerLimitsDefault: ConsumerLimits = {
  sessionTimeoutMs: 30_000,
  heartbeatIntervalMs: 3_000,
  batchBytesMax: 8 * 1024 * 1024,
  partitionBytesMax: 1024 * 1024,
  fetchWaitMs: 500,
  offsetCommitIntervalMs: 0,
};

export interface BatchConsumerOptions extends Partial<ConsumerLimits> {
  kafka: Kafka;
  groupId: string;
  topics: readonly string[];
  /** Where a group with no committed offset starts; true means no message is skipped. */
  fromBeginning?: boolean;
  handler: BatchHandler;
  logger?: Logger;
}

export interface BatchConsumer {
  readonly consumer: Consumer;
  stop(): Promise<void>;
}

export async function startBatchConsumer(options: BatchConsumerOptions): Promise<BatchConsumer> {
  const limits: ConsumerLimits = {
    sessionTimeoutMs: options.sessionTimeoutMs ?? consumerLimitsDefault.sessionTimeoutMs,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? consumerLimitsDefault.heartbeatIntervalMs,
    batchBytesMax: options.batchBytesMax ?? consumerLimitsDefault.batchBytesMax,
    partitionBytesMax: options.partitionBytesMax ?? consumerLimitsDefault.partitionBytesMax,
    fetchWaitMs: options.fetchWaitMs ?? consumerLimitsDefault.fetchWaitMs,
    offsetCommitIntervalMs: options.offsetCommitIntervalMs ?? consumerLimitsDefault.offsetCommitIntervalMs,
  };
  const commits = { lastMs: 0 };
  const consumer = options.kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: limits.sessionTimeoutMs,
    heartbeatInterval: limits.heartbeatIntervalMs,
    maxBytes: limits.batchBytesMax,
    maxBytesPerPartition: limits.partitionBytesMax,
    maxWaitTimeInMs: limits.fetchWaitMs,
    allowAutoTopicCreation: false,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning ?? true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async (payload: EachBatchPayload) => handleBatch(payload, options, limits.offsetCommitIntervalMs, commits),
  });
  options.logger?.info({ groupId: options.groupId, topics: options.topics }, 'Kafka consumer started');
  return {
    consumer,
    stop: async () => {
      await consumer.disconnect();
    },
  };
}

async function handleBatch(payload: EachBatchPayload, options: BatchConsumerOptions, offsetCommitIntervalMs: number, commits: { lastMs: number }): Promise<void> {
  const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, uncommittedOffsets, isRunning, isStale } = payload;
  // After a rebalance or a seek, the fetched batch may no longer be ours to process.
  if (!isRunning() || isStale() || batch.messages.length === 0) return;
  const messages: ConsumedMessage[] = batch.messages.map((message) => ({
    topic: batch.topic,
    partition: batch.partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : null,
    value: message.value,
    headers: headersToStrings(message.headers),
    timestamp: message.timestamp,
  }));
  try {
    await options.handler(messages, { topic: batch.topic, partition: batch.partition, heartbeat });
  } catch (error) {
    options.logger?.error(
      { err: error, groupId: options.groupId, topic: batch.topic, partition: batch.partition, firstOffset: batch.firstOffset() },
      'batch handler failed; the batch will be delivered again',
    );
    throw error;
  }
  resolveOffset(batch.lastOffset());
  // With autoCommit off, commitOffsetsIfNecessary() without offsets commits nothing: pass the
  // offsets resolved above explicitly, so the commit happens now, after the handler succeeded.
  const now = Date.now();
  if (now - commits.lastMs >= offsetCommitIntervalMs) {
    commits.lastMs = now;
    await commitOffsetsIfNecessary(uncommittedOffsets());
  }
  await heartbeat();
}

function headersToStrings(headers: Record<string, unknown> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    result[name] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return result;
}
