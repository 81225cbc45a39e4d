import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import { KAFKA_PRODUCER, LOGGER, type Logger, named, PG_POOL, topicMessagesOf, withTransaction } from '@cbdc/platform';

/** Rows published per producer call. */
export const outboxPublishRowsMax = 200;
/** Leftovers (a publish that failed, a crash after commit) are retried this often. */
export const outboxSweepIntervalMs = 1_000;

/** A message to publish once the transaction that wrote it commits. */
export interface OutboxMessage {
  readonly topic: string;
  readonly key: string;
  /** JSON text of a versioned message (encodeMessage or a ledger-command builder). */
  readonly payload: string;
}

/** Writes outbox rows inside the caller's transaction. */
export async function writeOutbox(client: PoolClient, messages: readonly OutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await client.query(named(
    `insert into outbox (topic, key, payload)
     select * from unnest($1::text[], $2::text[], $3::jsonb[])`,
    [messages.map((m) => m.topic), messages.map((m) => m.key), messages.map((m) => m.payload)],
  ));
}

/** An outbox row its writer has just committed, with the id the insert returned. */
export interface CommittedOutboxRow extends OutboxMessage {
  readonly id: string;
}

/** How the module starts the relay: `false` only for a test that plays a crash before publishing. */
export const OUTBOX_PUBLISHING = Symbol('OUTBOX_PUBLISHING');

/**
 * Publishes the bank's outbox (0001-init.sql) after commit: services write state and outbox rows
 * in one transaction, then `kick()`; a sweep every second retries whatever a failed publish or a
 * crash left, including rows of a previous run. Rows are taken in id order with
 * `for update skip locked` (two processes never send the same row at once) and marked published
 * in the same transaction, after the broker acknowledged them. A crash between the ack and the
 * commit sends a row twice: the ledger answers a repeated command id with its first answer, so
 * that is harmless. Ledger commands are signed over a canonical encoding (keys sorted), so
 * storing them as jsonb (which reorders keys) does not break their signatures.
 *
 * The hot path (payments) does not wait for a sweep: its writer hands the rows it committed to
 * `publishCommitted`, which sends them at once without reading them back, and marks them
 * published afterwards, off the request's path, many ids per statement (decision 0017). Rows on
 * their way are kept out of the sweep; one the sweep took just before its writer handed it over
 * goes out twice, which is harmless for the same reason as above.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  /** Rows handed over by writers, in commit order, not yet sent. */
  private readonly fastQueue: CommittedOutboxRow[] = [];
  private fastSending: Promise<void> | null = null;
  /** Ids handed over and not yet marked published: the sweep leaves them alone. */
  private readonly onTheirWay = new Set<string>();
  private readonly toMark: string[] = [];
  private marking: Promise<void> | null = null;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(OUTBOX_PUBLISHING) private readonly publishing: boolean,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.publishing) return;
    this.timer = setInterval(() => this.kick(), outboxSweepIntervalMs);
    this.timer.unref();
    this.kick();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.settled();
  }

  /** Publishes what is pending, soon; calls during a run make it run once more. */
  kick(): void {
    if (!this.timer) return;
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

  async settled(): Promise<void> {
    while (this.running || this.fastSending || this.marking) await (this.running ?? this.fastSending ?? this.marking);
  }

  /**
   * Sends rows its writer has just committed, now: one producer call for all the rows handed
   * over while the previous call was out. Does nothing when the relay does not publish (the
   * sweep's rows stay for a later run, as after a crash).
   */
  publishCommitted(rows: readonly CommittedOutboxRow[]): void {
    if (!this.timer || rows.length === 0) return;
    for (const row of rows) {
      this.fastQueue.push(row);
      this.onTheirWay.add(row.id);
    }
    this.fastSending ??= this.sendFast().finally(() => {
      this.fastSending = null;
    });
  }

  private async sendFast(): Promise<void> {
    while (this.fastQueue.length > 0) {
      const rows = this.fastQueue.splice(0, outboxPublishRowsMax);
      try {
        await this.producer.sendBatch({ acks: -1, topicMessages: topicMessagesOf(rows.map((row) => ({ topic: row.topic, key: row.key, value: row.payload }))) });
        this.toMark.push(...rows.map((row) => row.id));
        this.marking ??= this.markPublished().finally(() => {
          this.marking = null;
        });
      } catch (error) {
        // The rows stay unpublished in the table: the sweep sends them.
        for (const row of rows) this.onTheirWay.delete(row.id);
        this.logger.warn({ err: error, rows: rows.length }, 'publishing committed outbox rows failed; the sweep retries them');
      }
    }
  }

  /** Marks sent rows published, many per statement, after the sends and off the requests' path. */
  private async markPublished(): Promise<void> {
    while (this.toMark.length > 0) {
      const ids = this.toMark.splice(0, this.toMark.length);
      try {
        await this.pool.query(named('update outbox set published_at = clock_timestamp() where id = any($1::bigint[]) and published_at is null', [ids]));
      } catch (error) {
        // Unmarked rows are sent again by the sweep: a harmless repeat.
        this.logger.warn({ err: error, rows: ids.length }, 'marking sent outbox rows failed; the sweep sends them again');
      } finally {
        for (const id of ids) this.onTheirWay.delete(id);
      }
    }
  }

  private async drain(): Promise<void> {
    for (;;) {
      const sent = await withTransaction(this.pool, async (client) => {
        const result = await client.query<{ id: string; topic: string; key: string | null; payload: unknown }>(named(
          `select id, topic, key, payload from outbox where published_at is null and id <> all($2::bigint[])
           order by id limit $1 for update skip locked`,
          [outboxPublishRowsMax, [...this.onTheirWay]],
        ));
        if (result.rows.length === 0) return 0;
        const messages = result.rows.map((row) => ({ topic: row.topic, key: row.key, value: JSON.stringify(row.payload) }));
        await this.producer.sendBatch({ acks: -1, topicMessages: topicMessagesOf(messages) });
        await client.query(named('update outbox set published_at = clock_timestamp() where id = any($1)', [result.rows.map((r) => r.id)]));
        return result.rows.length;
      });
      if (sent < outboxPublishRowsMax) return;
    }
  }
}
