/**
 * Publishes the ledger's outbox after each commit, in commit order, with `acks=all`.
 *
 * A row is deleted only by a later batch's transaction (or by `flushLeftovers` at start), after
 * the broker acknowledged it, so a crash between commit and publish loses nothing: the leftovers
 * are published again at the next start. Consumers of these messages are idempotent (results and
 * credits carry command ids and sequences), so a repeat after a crash is harmless.
 */
import type { Pool } from 'pg';
import type { Producer } from 'kafkajs';
import { topicMessagesOf } from '@cbdc/platform';
import type { OutboxRow } from './ledger-store';

/** Rows per producer call when flushing leftovers at start. */
export const outboxFlushRowsMax = 500;

export class OutboxPublisher {
  private publishedThrough = 0n;
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown = null;

  constructor(
    private readonly producer: Producer,
    private readonly ensureTopic: (topic: string) => Promise<void>,
  ) {}

  /** Everything up to this id reached the broker; the next batch's transaction deletes it. */
  get publishedThroughId(): bigint {
    return this.publishedThrough;
  }

  /** Publishes the rows a batch committed, after those of earlier batches. */
  enqueue(ids: readonly bigint[], rows: readonly OutboxRow[]): void {
    if (rows.length === 0) return;
    this.chain = this.chain.then(async () => {
      if (this.failure) return;
      try {
        await this.send(rows);
        this.publishedThrough = ids[ids.length - 1]!;
      } catch (error) {
        // Stop publishing: the rows stay in the table and go out after the engine restarts.
        this.failure = error;
      }
    });
  }

  /** Resolves when every enqueued row was published; throws if publishing failed. */
  async drain(): Promise<void> {
    await this.chain;
    if (this.failure) throw this.failure;
  }

  /**
   * After a failed publish: waits for the queue, then publishes everything still in the table in
   * order. Throws (and stays failed) if the broker is still unreachable.
   */
  async recoverIfFailed(pool: Pool): Promise<void> {
    if (!this.failure) return;
    await this.chain;
    await this.flushLeftovers(pool);
    this.failure = null;
  }

  get failed(): boolean {
    return this.failure !== null;
  }

  /** At start: publishes rows a previous run committed but did not publish, then deletes them. */
  async flushLeftovers(pool: Pool): Promise<number> {
    let total = 0;
    for (;;) {
      const result = await pool.query<{ id: string; topic: string; message_key: string; payload: string }>(
        'select id, topic, message_key, payload from ledger_outbox order by id limit $1',
        [outboxFlushRowsMax],
      );
      if (result.rows.length === 0) return total;
      await this.send(result.rows.map((row) => ({ topic: row.topic, key: row.message_key, payload: row.payload })));
      const last = result.rows[result.rows.length - 1]!.id;
      await pool.query('delete from ledger_outbox where id <= $1', [last]);
      total += result.rows.length;
    }
  }

  private async send(rows: readonly OutboxRow[]): Promise<void> {
    const topicMessages = topicMessagesOf(rows.map((row) => ({ topic: row.topic, key: row.key, value: row.payload })));
    for (const group of topicMessages) await this.ensureTopic(group.topic);
    await this.producer.sendBatch({ acks: -1, topicMessages });
  }
}
