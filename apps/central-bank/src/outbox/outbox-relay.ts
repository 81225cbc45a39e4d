import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Kafka, Producer } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import { ensureTopics, KAFKA, KAFKA_PRODUCER, LOGGER, PG_POOL, topicMessagesOf, withTransaction, type Logger } from '@cbdc/platform';

/** Rows published per producer call. */
export const outboxPublishRowsMax = 200;
/** Leftovers (a publish that failed, a crash after commit) are retried this often. */
export const outboxSweepIntervalMs = 1_000;

/** A message to publish once the transaction that wrote it commits. */
export interface OutboxMessage {
  readonly topic: string;
  readonly key: string;
  /** JSON text of a versioned message (encodeMessage). */
  readonly payload: string;
}

/** Writes outbox rows inside the caller's transaction. */
export async function writeOutbox(client: PoolClient, messages: readonly OutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await client.query(
    `insert into outbox (topic, key, payload)
     select * from unnest($1::text[], $2::text[], $3::jsonb[])`,
    [messages.map((m) => m.topic), messages.map((m) => m.key), messages.map((m) => m.payload)],
  );
}

/**
 * Publishes the app's outbox (0001-init.sql) after commit: services write state and outbox rows
 * in one transaction, then `kick()`; a sweep every second retries whatever a failed publish or a
 * crash left. Rows are taken in id order with `for update skip locked` (two processes never send
 * the same row at once) and marked published in the same transaction, after the broker
 * acknowledged them. A crash between the ack and the commit sends a row twice: receivers are
 * idempotent on the message's own id (a request id), so that is harmless.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly knownTopics = new Set<string>();

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.kick(), outboxSweepIntervalMs);
    this.timer.unref();
    this.kick();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Publishes what is pending, soon; calls during a run make it run once more. */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'publishing the outbox failed; retrying at the next sweep'))
      .finally(() => {
        this.running = null;
        if (this.again && this.timer) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves when the current run (if any) finished: for tests and shutdown. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const sent = await withTransaction(this.pool, async (client) => {
        const result = await client.query<{ id: string; topic: string; key: string | null; payload: unknown }>(
          `select id, topic, key, payload from outbox where published_at is null
           order by id limit $1 for update skip locked`,
          [outboxPublishRowsMax],
        );
        if (result.rows.length === 0) return 0;
        const topicMessages = topicMessagesOf(result.rows.map((row) => ({ topic: row.topic, key: row.key, value: JSON.stringify(row.payload) })));
        await this.ensureTopics(topicMessages.map((group) => group.topic));
        await this.producer.sendBatch({ acks: -1, topicMessages });
        await client.query('update outbox set published_at = clock_timestamp() where id = any($1)', [result.rows.map((r) => r.id)]);
        return result.rows.length;
      });
      if (sent < outboxPublishRowsMax) return;
    }
  }

  private async ensureTopics(topics: readonly string[]): Promise<void> {
    const missing = topics.filter((topic) => !this.knownTopics.has(topic));
    if (missing.length === 0) return;
    await ensureTopics(this.kafka, missing.map((name) => ({ name, partitions: 1 })));
    for (const topic of missing) this.knownTopics.add(topic);
  }
}
