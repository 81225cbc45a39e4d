/**
 * The ledger engine's database side: one PostgreSQL transaction per batch, set-based.
 *
 * Per batch, whatever its size, the transaction runs a fixed number of statements: allocate the
 * batch id and the entry sequences, insert every decided command (accepted and rejected) with
 * `unnest`, write one new balance per distinct account, update the debited wallets' counters and
 * limit usage, insert new operators/accounts/wallets, write the outbox, drop the outbox rows
 * already published, and store the consumer position. A crash anywhere rolls all of it back, and
 * the replay is refused a second effect by the primary key on command_id.
 *
 * Balances are written as absolute values computed in memory. That is exact because every account
 * a batch writes is either owned by this single writer (one partition), or, with several
 * partitions, locked and re-read in the same transaction before the batch is decided
 * (ledger-state-loader.ts `lockAndRefresh`).
 */
import type { Pool, PoolClient } from 'pg';

export interface CommandRow {
  commandId: string;
  commandType: string;
  operatorId: string | null;
  status: 'accepted' | 'rejected';
  code: string | null;
  detail: string | null;
  debitAccount: string | null;
  creditAccount: string | null;
  amount: bigint | null;
  largeValue: boolean;
  facts: string | null;
}

export interface WalletRow {
  walletId: string;
  operatorId: string;
  walletClass: number;
  publicKey: Uint8Array;
  escrow: Uint8Array | null;
  lastCounter: bigint;
  dayKey: number;
  dayTotal: bigint;
  yearKey: number;
  yearTotal: bigint;
}

export interface OperatorRow {
  operatorId: string;
  name: string;
  kind: 'bank' | 'payment-firm';
  publicKey: Uint8Array;
  reserveRatioBps: number;
  issueQuotaAuto: bigint;
  reserveCredited: bigint;
  issued: bigint;
  recalled: bigint;
  crossOperatorNet: bigint;
}

export interface OutboxRow {
  topic: string;
  key: string;
  payload: string;
}

export interface ConsumerPosition {
  consumer: string;
  topic: string;
  partition: number;
  nextOffset: bigint;
}

export interface BatchWrite {
  partition: number;
  committedAt: Date;
  /** In the order decided; accepted ones get increasing sequences in this order. */
  commands: CommandRow[];
  /** Operators registered by this batch, and operators whose books changed (absolute values). */
  newOperators: OperatorRow[];
  changedOperators: OperatorRow[];
  /** Wallets registered by this batch, and wallets re-classed or debited (absolute values). */
  newWallets: WalletRow[];
  changedWallets: WalletRow[];
  /** The balance after the batch of each account it created or moved. */
  accountBalances: Map<string, bigint>;
  /** Outbox rows, built once the sequences are known. */
  outbox: (batchId: bigint, sequences: (bigint | null)[]) => OutboxRow[];
  /** Outbox rows up to this id were published after earlier commits and can go. */
  publishedThroughId: bigint;
  position: ConsumerPosition;
}

export interface BatchCommitted {
  batchId: bigint;
  /** Per command, its entry sequence when accepted. */
  sequences: (bigint | null)[];
  outboxIds: bigint[];
  outbox: OutboxRow[];
}

/** An account id names its kind and operator: `vault:bank-a`, `reserve:bank-a`, `wallet:<id>`. */
export function accountKind(accountId: string): { kind: string; operatorId: string | null } {
  const colon = accountId.indexOf(':');
  if (colon < 0) return { kind: accountId, operatorId: null };
  const kind = accountId.slice(0, colon);
  return { kind, operatorId: kind === 'reserve' || kind === 'vault' ? accountId.slice(colon + 1) : null };
}

export async function commitBatch(client: PoolClient, write: BatchWrite): Promise<BatchCommitted> {
  await client.query('begin');
  try {
    const committed = await writeBatch(client, write);
    await client.query('commit');
    return committed;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
}

export async function writeBatch(client: PoolClient, write: BatchWrite): Promise<BatchCommitted> {
  const accepted = write.commands.reduce((n, c) => n + (c.status === 'accepted' ? 1 : 0), 0);
  // One round trip draws the batch id and one entry sequence per accepted command. With several
  // partitions, other workers draw concurrently, so the numbers need not be consecutive; they are
  // unique and increase in the order of this batch.
  const ids = await client.query<{ batch_id: string; sequences: string[] | null }>(
    `select nextval('ledger_batch_id') as batch_id,
            (select array_agg(s order by s) from (select nextval('ledger_entry_sequence') as s
                                                  from generate_series(1, $1::int)) x) as sequences`,
    [accepted],
  );
  const batchId = BigInt(ids.rows[0]!.batch_id);
  const drawn = ids.rows[0]!.sequences ?? [];
  const sequences: (bigint | null)[] = [];
  let next = 0;
  for (const command of write.commands) {
    sequences.push(command.status === 'accepted' ? BigInt(drawn[next++]!) : null);
  }

  await client.query('insert into ledger_batches (id, partition, command_count, committed_at) values ($1, $2, $3, $4)', [
    batchId.toString(),
    write.partition,
    write.commands.length,
    write.committedAt,
  ]);

  for (const op of write.newOperators) {
    await client.query(
      `insert into operators (id, name, kind, public_key, reserve_ratio_bps, issue_quota_auto)
       values ($1, $2, $3, $4, $5, $6)`,
      [op.operatorId, op.name, op.kind, Buffer.from(op.publicKey), op.reserveRatioBps, op.issueQuotaAuto.toString()],
    );
  }
  if (write.changedOperators.length > 0) {
    const o = write.changedOperators;
    await client.query(
      `update operators x set reserve_credited = d.reserve_credited, issued = d.issued, recalled = d.recalled,
              cross_operator_net = d.cross_operator_net
       from unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[])
         as d(id, reserve_credited, issued, recalled, cross_operator_net)
       where x.id = d.id`,
      [
        o.map((r) => r.operatorId),
        o.map((r) => r.reserveCredited.toString()),
        o.map((r) => r.issued.toString()),
        o.map((r) => r.recalled.toString()),
        o.map((r) => r.crossOperatorNet.toString()),
      ],
    );
  }

  if (write.newWallets.length > 0) {
    const w = write.newWallets;
    await client.query(
      `insert into wallets (id, operator_id, wallet_class, public_key, escrow)
       select * from unnest($1::text[], $2::text[], $3::smallint[], $4::bytea[], $5::bytea[])`,
      [
        w.map((r) => r.walletId),
        w.map((r) => r.operatorId),
        w.map((r) => r.walletClass),
        w.map((r) => Buffer.from(r.publicKey)),
        w.map((r) => (r.escrow ? Buffer.from(r.escrow) : null)),
      ],
    );
  }
  if (write.changedWallets.length > 0) {
    const u = write.changedWallets;
    await client.query(
      `update wallets w set wallet_class = d.wallet_class, last_counter = d.last_counter, day_key = d.day_key,
              day_total = d.day_total, year_key = d.year_key, year_total = d.year_total
       from unnest($1::text[], $2::smallint[], $3::bigint[], $4::int[], $5::bigint[], $6::int[], $7::bigint[])
         as d(id, wallet_class, last_counter, day_key, day_total, year_key, year_total)
       where w.id = d.id`,
      [
        u.map((r) => r.walletId),
        u.map((r) => r.walletClass),
        u.map((r) => r.lastCounter.toString()),
        u.map((r) => r.dayKey),
        u.map((r) => r.dayTotal.toString()),
        u.map((r) => r.yearKey),
        u.map((r) => r.yearTotal.toString()),
      ],
    );
  }

  const accountIds = [...write.accountBalances.keys()];
  if (accountIds.length > 0) {
    // One statement creates the accounts met for the first time and sets every balance.
    await client.query(
      `insert into accounts (id, kind, operator_id, balance)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
       on conflict (id) do update set balance = excluded.balance`,
      [
        accountIds,
        accountIds.map((id) => accountKind(id).kind),
        accountIds.map((id) => accountKind(id).operatorId),
        accountIds.map((id) => write.accountBalances.get(id)!.toString()),
      ],
    );
  }

  const c = write.commands;
  await client.query(
    `insert into ledger_commands (command_id, batch_id, command_type, operator_id, status, code, detail, sequence,
                                  debit_account, credit_account, amount, large_value, facts)
     select d.command_id, $1, d.command_type, d.operator_id, d.status, d.code, d.detail, d.sequence,
            d.debit_account, d.credit_account, d.amount, d.large_value, d.facts::jsonb
     from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[],
                 $9::text[], $10::text[], $11::bigint[], $12::boolean[], $13::text[])
       as d(command_id, command_type, operator_id, status, code, detail, sequence,
            debit_account, credit_account, amount, large_value, facts)`,
    [
      batchId.toString(),
      c.map((r) => r.commandId),
      c.map((r) => r.commandType),
      c.map((r) => r.operatorId),
      c.map((r) => r.status),
      c.map((r) => r.code),
      c.map((r) => r.detail),
      sequences.map((s) => (s === null ? null : s.toString())),
      c.map((r) => r.debitAccount),
      c.map((r) => r.creditAccount),
      c.map((r) => (r.amount === null ? null : r.amount.toString())),
      c.map((r) => r.largeValue),
      c.map((r) => r.facts),
    ],
  );

  const outbox = write.outbox(batchId, sequences);
  let outboxIds: bigint[] = [];
  if (outbox.length > 0) {
    const inserted = await client.query<{ id: string }>(
      `insert into ledger_outbox (topic, message_key, payload)
       select * from unnest($1::text[], $2::text[], $3::text[]) returning id`,
      [outbox.map((o) => o.topic), outbox.map((o) => o.key), outbox.map((o) => o.payload)],
    );
    outboxIds = inserted.rows.map((r) => BigInt(r.id));
  }

  if (write.publishedThroughId > 0n) {
    await client.query('delete from ledger_outbox where id <= $1', [write.publishedThroughId.toString()]);
  }

  const p = write.position;
  await client.query(
    `insert into consumer_positions (consumer, topic, partition, next_offset) values ($1, $2, $3, $4)
     on conflict (consumer, topic, partition) do update set next_offset = excluded.next_offset`,
    [p.consumer, p.topic, p.partition, p.nextOffset.toString()],
  );

  return { batchId, sequences, outboxIds, outbox };
}

/** Where a worker resumes: the stored position, or null to start from the earliest offset. */
export async function loadPosition(pool: Pool, consumer: string, topic: string, partition: number): Promise<bigint | null> {
  const result = await pool.query<{ next_offset: string }>(
    'select next_offset from consumer_positions where consumer = $1 and topic = $2 and partition = $3',
    [consumer, topic, partition],
  );
  return result.rows[0] ? BigInt(result.rows[0].next_offset) : null;
}
