import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '@cbdc/platform';
import { OutboxRelay } from '../outbox/outbox-relay';

/** Payments written by one statement at most. */
export const paymentIntakeRowsMax = 500;
/** Statements writing payments at once; more requests wait for the next statement. */
export const paymentIntakeStatementsMax = 2;

/** A payment the API accepted for the ledger, with the ledger command that carries it. */
export interface PaymentIntakeRow {
  readonly paymentId: string;
  readonly payerWalletId: string;
  readonly payeeWalletId: string;
  readonly amount: bigint;
  readonly counter: bigint;
  readonly signature: string;
  readonly paymentRequest: string | null;
  readonly commandTopic: string;
  readonly commandKey: string;
  /** JSON text of the signed ledger command. */
  readonly command: string;
}

interface Waiting {
  readonly row: PaymentIntakeRow;
  readonly resolve: (inserted: boolean) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Writes the payments of concurrent requests together: each row and its ledger command (an
 * outbox row) in one statement and one commit per group, so a busy bank pays for one commit and
 * one plan per group rather than per payment (decision 0017). There is no timer: a group is
 * whatever arrived while the previous statements ran, so a lone request is written at once.
 *
 * After the commit the commands go straight to the relay, without being read back. A payment id
 * already in the table, or twice in one group, is not written again: its request gets `false`
 * and answers as a repeat, exactly as with one statement per request.
 */
@Injectable()
export class PaymentIntake {
  private readonly queue: Waiting[] = [];
  private statements = 0;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
  ) {}

  /** Resolves after the commit: true when this call wrote the payment, false when its id was there. */
  write(row: PaymentIntakeRow): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.statements < paymentIntakeStatementsMax && this.queue.length > 0) {
      const group = this.queue.splice(0, paymentIntakeRowsMax);
      this.statements++;
      void this.writeGroup(group).finally(() => {
        this.statements--;
        this.pump();
      });
    }
  }

  private async writeGroup(group: readonly Waiting[]): Promise<void> {
    const first = new Map<string, Waiting>();
    for (const waiting of group) if (!first.has(waiting.row.paymentId)) first.set(waiting.row.paymentId, waiting);
    const rows = [...first.values()].map((w) => w.row);
    let written: Map<string, string>;
    try {
      written = await this.insert(rows);
    } catch (error) {
      for (const waiting of group) waiting.reject(error);
      return;
    }
    const committed = rows.filter((row) => written.has(row.paymentId));
    this.relay.publishCommitted(committed.map((row) => ({ id: written.get(row.paymentId)!, topic: row.commandTopic, key: row.commandKey, payload: row.command })));
    for (const waiting of group) waiting.resolve(first.get(waiting.row.paymentId) === waiting && written.has(waiting.row.paymentId));
  }

  /** The payment ids this statement wrote, each with the id of its outbox row. */
  private async insert(rows: readonly PaymentIntakeRow[]): Promise<Map<string, string>> {
    const result = await this.pool.query<{ payment_id: string; outbox_id: string }>({
      // Named: planned once per connection, not once per group.
      name: 'payment-intake-v1',
      text: `with input as (
               select * from unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[], $10::jsonb[])
                 with ordinality as i(payment_id, payer_wallet_id, payee_wallet_id, amount, counter, signature, payment_request, topic, key, command, position)
             ), payment as (
               insert into payments (payment_id, payer_wallet_id, payee_wallet_id, amount, counter, signature, payment_request)
               select payment_id, payer_wallet_id, payee_wallet_id, amount, counter, signature, payment_request from input order by position
               on conflict (payment_id) do nothing returning payment_id
             ), command as (
               insert into outbox (topic, key, payload)
               select i.topic, i.key, i.command from input i join payment p using (payment_id) order by i.position
               returning id, payload->>'commandId' as payment_id
             )
             select payment_id, id::text as outbox_id from command`,
      values: [
        rows.map((r) => r.paymentId),
        rows.map((r) => r.payerWalletId),
        rows.map((r) => r.payeeWalletId),
        rows.map((r) => r.amount.toString()),
        rows.map((r) => r.counter.toString()),
        rows.map((r) => r.signature),
        rows.map((r) => r.paymentRequest),
        rows.map((r) => r.commandTopic),
        rows.map((r) => r.commandKey),
        rows.map((r) => r.command),
      ],
    });
    return new Map(result.rows.map((row) => [row.payment_id, row.outbox_id]));
  }
}
