/**
 * The ledger engine's database side: one PostgreSQL transaction per batch, set-based.
 *
 * Per batch, whatever its size, the transaction runs a fixed number of statements: allocate the
 * batch id and the entry sequences, insert every decided command (accepted and rejected) with
 * `unnest`, write one new balance per distinct account, update the debited wallets' counters and
 * limit usage, insert new operators/accounts/wallets, write the outbox, drop the outbox rows
 * already published; the consumer position is claimed first (`claimPosition`). A crash anywhere rolls all of it back, and
 * the replay is refused a second effect by the primary key on command_id.
 *
 * Balances are written as absolute values computed in memory. That is exact because every account
 * a batch writes is either owned by this single writer (one partition), or, with several
 * partitions, locked and re-read in the same transaction before the batch is decided
 * (ledger-state-loader.ts `lockAndRefresh`).
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Pool, PoolClient } from 'pg';
import { named } from '@cbdc/platform';
import { from as copyFrom } from 'pg-copy-streams';

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

export interface NewWalletRow {
  walletId: string;
  operatorId: string;
  walletClass: number;
  publicKey: Uint8Array;
  escrow: Uint8Array | null;
}

/** An account's numbers after the batch; the usage fields only for wallets a payment debited. */
export interface AccountRow {
  accountId: string;
  balance: bigint;
  usage: { lastCounter: bigint; dayKey: number; dayTotal: bigint; yearKey: number; yearTotal: bigint } | null;
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
  /** Wallets registered by this batch, and wallets re-classed by it. */
  newWallets: NewWalletRow[];
  classChanges: { walletId: string; walletClass: number }[];
  /** Accounts this batch created (at their balance after the batch). */
  newAccounts: AccountRow[];
  /** Accounts that existed before and that this batch moved or whose usage it changed. */
  changedAccounts: AccountRow[];
  /** Outbox rows, built once the sequences are known. */
  outbox: (batchId: bigint, sequences: (bigint | null)[]) => OutboxRow[];
  /** Outbox rows up to this id were published after earlier commits and can go. */
  publishedThroughId: bigint;
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

/** Writes a decided batch inside the caller's transaction, after `claimPosition`. */
export async function writeBatch(client: PoolClient, write: BatchWrite): Promise<BatchCommitted> {
  const accepted = write.commands.reduce((n, c) => n + (c.status === 'accepted' ? 1 : 0), 0);
  // One round trip draws the batch id and one entry sequence per accepted command. With several
  // partitions, other workers draw concurrently, so the numbers need not be consecutive; they are
  // unique and increase in the order of this batch.
  const ids = await client.query<{ batch_id: string; sequences: string[] | null }>(named(
    `select nextval('ledger_batch_id') as batch_id,
            (select array_agg(s order by s) from (select nextval('ledger_entry_sequence') as s
                                                  from generate_series(1, $1::int)) x) as sequences`,
    [accepted],
  ));
  const batchId = BigInt(ids.rows[0]!.batch_id);
  const drawn = ids.rows[0]!.sequences ?? [];
  const sequences: (bigint | null)[] = [];
  let next = 0;
  for (const command of write.commands) {
    sequences.push(command.status === 'accepted' ? BigInt(drawn[next++]!) : null);
  }

  await client.query(named(
    'insert into ledger_batches (id, partition, command_count, first_sequence, last_sequence, committed_at) values ($1, $2, $3, $4, $5, $6)',
    [
      batchId.toString(),
      write.partition,
      write.commands.length,
      drawn.length > 0 ? drawn[0] : null,
      drawn.length > 0 ? drawn[drawn.length - 1] : null,
      write.committedAt,
    ],
  ));

  for (const op of write.newOperators) {
    await client.query(named(
      `insert into operators (id, name, kind, public_key, reserve_ratio_bps, issue_quota_auto)
       values ($1, $2, $3, $4, $5, $6)`,
      [op.operatorId, op.name, op.kind, Buffer.from(op.publicKey), op.reserveRatioBps, op.issueQuotaAuto.toString()],
    ));
  }
  if (write.changedOperators.length > 0) {
    const o = write.changedOperators;
    await client.query(named(
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
    ));
  }

  if (write.newWallets.length > 0) {
    const w = write.newWallets;
    await client.query(named(
      `insert into wallets (id, operator_id, wallet_class, public_key, escrow)
       select * from unnest($1::text[], $2::text[], $3::smallint[], $4::bytea[], $5::bytea[])`,
      [
        w.map((r) => r.walletId),
        w.map((r) => r.operatorId),
        w.map((r) => r.walletClass),
        w.map((r) => Buffer.from(r.publicKey)),
        w.map((r) => (r.escrow ? Buffer.from(r.escrow) : null)),
      ],
    ));
  }
  if (write.classChanges.length > 0) {
    await client.query(named(
      `update wallets w set wallet_class = d.wallet_class
       from unnest($1::text[], $2::smallint[]) as d(id, wallet_class) where w.id = d.id`,
      [write.classChanges.map((c) => c.walletId), write.classChanges.map((c) => c.walletClass)],
    ));
  }

  if (write.newAccounts.length > 0) {
    const a = write.newAccounts;
    await client.query(named(
      `insert into accounts (id, kind, operator_id, balance, last_counter, day_key, day_total, year_key, year_total)
       select d.id, d.kind, d.operator_id, d.balance,
              case when d.kind = 'wallet' then 0 end, case when d.kind = 'wallet' then 0 end,
              case when d.kind = 'wallet' then 0 end, case when d.kind = 'wallet' then 0 end,
              case when d.kind = 'wallet' then 0 end
       from unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) as d(id, kind, operator_id, balance)`,
      [a.map((r) => r.accountId), a.map((r) => accountKind(r.accountId).kind), a.map((r) => accountKind(r.accountId).operatorId), a.map((r) => r.balance.toString())],
    ));
  }
  if (write.changedAccounts.length > 0) {
    const a = write.changedAccounts;
    // One row per distinct account; usage columns only where a payment or unload debited a wallet.
    await client.query(named(
      `update accounts x set balance = d.balance,
              last_counter = coalesce(d.last_counter, x.last_counter), day_key = coalesce(d.day_key, x.day_key),
              day_total = coalesce(d.day_total, x.day_total), year_key = coalesce(d.year_key, x.year_key),
              year_total = coalesce(d.year_total, x.year_total)
       from unnest($1::text[], $2::bigint[], $3::bigint[], $4::int[], $5::bigint[], $6::int[], $7::bigint[])
         as d(id, balance, last_counter, day_key, day_total, year_key, year_total)
       where x.id = d.id`,
      [
        a.map((r) => r.accountId),
        a.map((r) => r.balance.toString()),
        a.map((r) => (r.usage ? r.usage.lastCounter.toString() : null)),
        a.map((r) => (r.usage ? r.usage.dayKey : null)),
        a.map((r) => (r.usage ? r.usage.dayTotal.toString() : null)),
        a.map((r) => (r.usage ? r.usage.yearKey : null)),
        a.map((r) => (r.usage ? r.usage.yearTotal.toString() : null)),
      ],
    ));
  }

  await copyCommands(client, batchId, write.commands, sequences);

  const outbox = write.outbox(batchId, sequences);
  let outboxIds: bigint[] = [];
  if (outbox.length > 0) {
    const inserted = await client.query<{ id: string }>(named(
      `insert into ledger_outbox (topic, message_key, payload)
       select * from unnest($1::text[], $2::text[], $3::text[]) returning id`,
      [outbox.map((o) => o.topic), outbox.map((o) => o.key), outbox.map((o) => o.payload)],
    ));
    outboxIds = inserted.rows.map((r) => BigInt(r.id));
  }

  if (write.publishedThroughId > 0n) {
    await client.query(named('delete from ledger_outbox where id <= $1', [write.publishedThroughId.toString()]));
  }

  return { batchId, sequences, outboxIds, outbox };
}

/** Where a worker resumes: the stored position (created at 0 the first time). */
export async function ensurePositions(pool: Pool, consumer: string, topic: string, partitions: number): Promise<void> {
  await pool.query(named(
    `insert into consumer_positions (consumer, topic, partition, next_offset)
     select $1, $2, p, 0 from generate_series(0, $3::int - 1) as p on conflict do nothing`,
    [consumer, topic, partitions],
  ));
}

/** The stored positions of every partition, read in the caller's transaction (and its snapshot). */
export async function readPositions(db: Pool | PoolClient, consumer: string, topic: string): Promise<Map<number, bigint>> {
  const result = await db.query<{ partition: number; next_offset: string }>(named('select partition, next_offset from consumer_positions where consumer = $1 and topic = $2', [consumer, topic]));
  return new Map(result.rows.map((row) => [row.partition, BigInt(row.next_offset)]));
}

/** Another writer moved the position this one expected: its memory is stale and must be reloaded. */
export class FencedError extends Error {
  constructor(position: ConsumerPosition, expected: bigint) {
    super(`position of ${position.topic}/${position.partition} is no longer ${expected}: another writer committed first`);
    this.name = 'FencedError';
  }
}

/**
 * The batch's first statement: moves the stored position from where this writer last left it to
 * after the batch, or fails. Two writers of one partition (a zombie that has not noticed it lost
 * the partition, and its successor) therefore queue on this row, and the second to arrive finds
 * the position moved, rolls back everything and reloads: a stale memory never writes a balance.
 */
export async function claimPosition(client: PoolClient, position: ConsumerPosition, expected: bigint): Promise<void> {
  const result = await client.query(named(
    'update consumer_positions set next_offset = $5 where consumer = $1 and topic = $2 and partition = $3 and next_offset = $4',
    [position.consumer, position.topic, position.partition, expected.toString(), position.nextOffset.toString()],
  ));
  if (result.rowCount !== 1) throw new FencedError(position, expected);
}

/**
 * Every decided command of the batch in one COPY: about twice as fast as an INSERT of `unnest`
 * arrays for thousands of rows, because nothing is parsed as SQL and no array literal is built.
 */
async function copyCommands(client: PoolClient, batchId: bigint, commands: readonly CommandRow[], sequences: readonly (bigint | null)[]): Promise<void> {
  const batch = batchId.toString();
  const lines: string[] = new Array(commands.length);
  for (let index = 0; index < commands.length; index++) {
    const c = commands[index]!;
    const sequence = sequences[index];
    lines[index] =
      `${copyText(c.commandId)}\t${batch}\t${copyText(c.commandType)}\t${copyText(c.operatorId)}\t${c.status}\t${copyText(c.code)}\t` +
      `${copyText(c.detail)}\t${sequence === null || sequence === undefined ? '\\N' : sequence.toString()}\t${copyText(c.debitAccount)}\t` +
      `${copyText(c.creditAccount)}\t${c.amount === null ? '\\N' : c.amount.toString()}\t${c.largeValue ? 't' : 'f'}\t${copyText(c.facts)}\n`;
  }
  const stream = client.query(
    copyFrom(
      `copy ledger_commands (command_id, batch_id, command_type, operator_id, status, code, detail, sequence,
                             debit_account, credit_account, amount, large_value, facts) from stdin`,
    ),
  );
  await pipeline(Readable.from([Buffer.from(lines.join(''), 'utf8')]), stream);
}

/** COPY's text format: \N for null; backslash, tab, newline and carriage return escaped. */
function copyText(value: string | null): string {
  if (value === null) return '\\N';
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (ch) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[ch]!) : value;
}
