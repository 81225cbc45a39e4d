/**
 * The sealing watermark: the highest entry sequence below which no committed entry can still
 * appear (docs/decisions/0012-anchor-sealing.md).
 *
 * Entry sequences come from a PostgreSQL sequence, drawn inside the engine's batch transactions.
 * With several writers, a transaction holding a LOWER sequence may commit AFTER one holding a
 * higher one, and a rolled-back transaction leaves a hole forever. So "the highest sequence I can
 * see" is not safe to seal through. What is safe:
 *   1. read H, the last value the sequence handed out: every number <= H was drawn already;
 *   2. then read the virtual transaction ids of every transaction open at that moment. A
 *      transaction that drew a number <= H had started before step 1 (it draws inside itself),
 *      so it is in this set, whether or not it has written anything or has a real xid yet;
 *   3. once none of those transactions is open any more, each of them committed (its entries are
 *      visible to any new snapshot, since a transaction releases its virtual-xid lock after it
 *      becomes visible) or rolled back (its numbers are holes forever). Every number <= H is then
 *      final: H is the watermark.
 * One candidate (H, transactions) is kept at a time and checked on each poll; a new one is taken
 * as soon as the previous is settled, so the watermark trails the newest commit by about one
 * poll plus the longest open transaction.
 * Invariant: the returned watermark never decreases, and no entry with a sequence <= watermark
 * commits after it was returned.
 */
import type { PoolClient } from 'pg';

export interface WatermarkCandidate {
  readonly highestDrawn: bigint;
  readonly openTransactions: readonly string[];
}

export class SealingWatermark {
  private candidate: WatermarkCandidate | undefined;
  private settled = 0n;

  /** The current safe watermark, advanced if the pending candidate has settled. */
  async advance(client: PoolClient): Promise<bigint> {
    if (this.candidate !== undefined && (await openCount(client, this.candidate.openTransactions)) === 0) {
      if (this.candidate.highestDrawn > this.settled) this.settled = this.candidate.highestDrawn;
      this.candidate = undefined;
    }
    if (this.candidate === undefined) {
      this.candidate = await takeCandidate(client);
      // Nothing was open: the candidate is settled at once.
      if (this.candidate.openTransactions.length === 0) {
        if (this.candidate.highestDrawn > this.settled) this.settled = this.candidate.highestDrawn;
        this.candidate = undefined;
      }
    }
    return this.settled;
  }
}

/** Steps 1 and 2: two statements, in this order, each with its own snapshot. */
export async function takeCandidate(client: PoolClient): Promise<WatermarkCandidate> {
  const drawn = await client.query<{ highest: string }>(
    `select (case when is_called then last_value else last_value - 1 end)::text as highest from ledger_entry_sequence`,
  );
  const open = await client.query<{ vxid: string }>(
    // Only sessions of this database can draw this database's sequence; other databases of the
    // cluster (the banks', in the local stack) are left out, so their long transactions cannot stall sealing.
    `select l.virtualxid as vxid from pg_locks l join pg_stat_activity a on a.pid = l.pid
     where l.locktype = 'virtualxid' and l.granted and l.mode = 'ExclusiveLock' and l.pid <> pg_backend_pid() and a.datname = current_database()`,
  );
  return { highestDrawn: BigInt(drawn.rows[0]!.highest), openTransactions: open.rows.map((row) => row.vxid) };
}

/** How many of these transactions are still open (each holds the lock on its own virtual xid until it ends). */
export async function openCount(client: PoolClient, transactions: readonly string[]): Promise<number> {
  if (transactions.length === 0) return 0;
  const result = await client.query<{ open: number }>(
    `select count(*)::int as open from pg_locks where locktype = 'virtualxid' and granted and virtualxid = any($1::text[])`,
    [transactions],
  );
  return result.rows[0]!.open;
}
