/**
 * Publishes the regulator's outbox (0001-init.sql) after commit: the audit-record commands for the
 * central ledger. Rows are taken in id order with `for update skip locked` and marked published
 * in the same transaction, after the broker acknowledged them; a crash in between sends a row
 * twice, which the ledger answers once (the command id is unique for ever).
 */
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { KAFKA_PRODUCER, LOGGER, PG_POOL, withTransaction, type Logger } from '@cbdc/platform';

/** Rows published per producer call. */
export const outboxPublishRowsMax = 100;
/** Leftovers (a failed publish, a crash after commit) are retried this often. */
export const outboxSweepIntervalMs = 1_000;

@Injectable()
export class RegulatorOutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.kick(), outboxSweepIntervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  kick(): void {
    if (this.running) return;
    this.running = this.drain()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'publishing the regulator outbox failed; retrying'))
      .finally(() => {
        this.running = null;
      });
  }

  private async drain(): Promise<void> {
    for (;;) {
      const sent = await withTransaction(this.pool, async (client) => {
        const result = await client.query<{ id: string; topic: string; key: string | null; payload: unknown }>(
          'select id, topic, key, payload from outbox where published_at is null order by id limit $1 for update skip locked',
          [outboxPublishRowsMax],
        );
        if (result.rows.length === 0) return 0;
        for (const row of result.rows) {
          await this.producer.send({ topic: row.topic, acks: -1, messages: [{ key: row.key, value: JSON.stringify(row.payload) }] });
        }
        // clock_timestamp(), not now(): this transaction may have begun before the row's own
        // transaction committed, and now() would then break the check published_at >= created_at.
        await client.query('update outbox set published_at = clock_timestamp() where id = any($1)', [result.rows.map((r) => r.id)]);
        return result.rows.length;
      });
      if (sent < outboxPublishRowsMax) return;
    }
  }
}
