/**
 * The sealing watermark: the highest entry sequence below which no committed entry can still
 * appear (docs/decisions/0012-anchor-sealing.md).
 *
 * Entry sequences come from a PostgreSQL sequence, drawn inside the engine's batch transactions.
 * With several writers, a transaction holding a LOWER sequence may commit AFTER one holding a
 * higher one, and a rolled-back transaction leaves a hole forever. So "the highest sequence I can
 * see" is not safe to seal through. What is safe:
 *   1. read H, the last value the sequence handed out: every number <= H was drawn already;
 *   2. then read the virtual transaction ids of every open transaction that has drawn from the
 *      sequence. A transaction that drew a number <= H drew it before step 1 and, while open,
 *      still holds the sequence's lock, so it is in this set, whether or not it has written
 *      anything or has a real xid yet;
 *   3. once none of those transactions is open any more, each of them committed (its entries are
 *      visible to any new snapshot, since a transaction releases its virtual-xid lock after it
 *      becomes visible) or rolled back (its numbers are holes forever). Every number <= H is then
 *      final: H is the watermark.
 * Step 2 looks only at the transactions that hold a lock on the sequence itself: `nextval` takes a
 * RowExclusiveLock on the sequence relation and keeps it until its top-level transaction ends
 * (PostgreSQL's sequence.c, lock_and_open_sequence, on every call, cached values or not). So the set
 * is exactly the writers that drew numbers and are still open, in this database only (the lock
 * names the database), read from `pg_locks` alone: far cheaper than joining `pg_stat_activity` for
 * every virtual-xid lock of the cluster, which cost about 1 ms of PostgreSQL CPU per poll
 * (docs/decisions/0016-cheaper-sealing.md).
 * One candidate (H, transactions) is kept at a time and checked on each poll; a new one is taken
 * as soon as the previous is settled, so the watermark trails the newest commit by about one
 * poll plus the longest open transaction. Checking the old candidate and taking a new one travel
 * in ONE round trip (a multi-statement simple query; each statement reads the live lock table in
 * order), and the new one is kept only when the old one has settled.
 * Invariant: the returned watermark never decreases, and no entry with a sequence <= watermark
 * commits after it was returned.
 */
import type { PoolClient } from 'pg';

export interface WatermarkCandidate {
  readonly highestDrawn: bigint;
  readonly openTransactions: readonly string[];
}

/** A virtual transaction id as pg_locks shows it (`backend/local`); anything else is never inlined into SQL. */
const virtualTransactionPattern = /^[0-9]+\/[0-9]+$/;

/** Step 1: every number up to the result was handed out already. */
const highestDrawnSql = `select (case when is_called then last_value else last_value - 1 end)::text as highest from ledger_entry_sequence`;
/** Step 2: the open transactions of this database that drew from the sequence (they hold its lock). */
const drawingTransactionsSql = `select virtualtransaction as vxid from pg_locks
  where locktype = 'relation' and relation = 'ledger_entry_sequence'::regclass
    and database = (select oid from pg_database where datname = current_database())
    and granted and pid <> pg_backend_pid()`;

export class SealingWatermark {
  private candidate: WatermarkCandidate | undefined;
  private settled = 0n;

  /** The current safe watermark, advanced if the pending candidate has settled. */
  async advance(client: PoolClient): Promise<bigint> {
    const pending = this.candidate;
    const { stillOpen, next } = await checkAndTake(client, pending?.openTransactions ?? []);
    if (pending !== undefined && stillOpen > 0) return this.settled;
    if (pending !== undefined && pending.highestDrawn > this.settled) this.settled = pending.highestDrawn;
    this.candidate = next;
    // Nothing was open: the new candidate is settled at once.
    if (next.openTransactions.length === 0) {
      if (next.highestDrawn > this.settled) this.settled = next.highestDrawn;
      this.candidate = undefined;
    }
    return this.settled;
  }

  /** Whether a candidate waits for transactions to end (the sealer polls sooner then). */
  get hasPending(): boolean {
    return this.candidate !== undefined;
  }
}

/**
 * In one round trip: how many of `transactions` are still open (each holds the lock on its own
 * virtual xid until it ends), then steps 1 and 2 of a new candidate, in this order.
 */
export async function checkAndTake(client: PoolClient, transactions: readonly string[]): Promise<{ stillOpen: number; next: WatermarkCandidate }> {
  for (const id of transactions) {
    if (!virtualTransactionPattern.test(id)) throw new Error(`unexpected virtual transaction id ${JSON.stringify(id)}`);
  }
  const openSql =
    transactions.length === 0
      ? 'select 0 as open'
      : `select count(*)::int as open from pg_locks where locktype = 'virtualxid' and granted and virtualxid = any(array[${transactions.map((id) => `'${id}'`).join(',')}])`;
  const results = (await client.query(`${openSql}; ${highestDrawnSql}; ${drawingTransactionsSql}`)) as unknown as {
    rows: Record<string, unknown>[];
  }[];
  const [open, drawn, drawing] = results;
  return {
    stillOpen: Number(open!.rows[0]!.open),
    next: { highestDrawn: BigInt(drawn!.rows[0]!.highest as string), openTransactions: drawing!.rows.map((row) => row.vxid as string) },
  };
}

/** Steps 1 and 2 alone, for tests: two statements, in this order, each with its own snapshot. */
export async function takeCandidate(client: PoolClient): Promise<WatermarkCandidate> {
  return (await checkAndTake(client, [])).next;
}
