// Proves, on real PostgreSQL and Kafka, that a refusal that was a mistake is not final: a bank whose books had not applied a load yet refuses its block (BOOKS_BEHIND) and every block after it (PREVIOUS_BLOCK_MISSING), the central bank proposes those blocks to it again, and once its books caught up the bank endorses them all, so the chain becomes final and both replicas verify; that a block made final by the other bank alone is proposed again too and endorsed late, with its entries kept for proofs; while a block that contradicts the bank's books stays refused, is never proposed again, and halts nothing but itself.
import type { Pool } from 'pg';
import { anchorRefusalCodesTransient } from '@cbdc/contracts';
import { testLogger, uniqueSuffix, waitFor, type FreshDatabase } from '@cbdc/testing';
import { AnchorSealer, type AnchorSealerSettings } from '../apps/central-bank/src/anchor/anchor-sealer.service';
import { refusedToPropose } from '../apps/central-bank/src/anchor/anchor-store';
import { auditVerify } from '../apps/cli/src/commands/audit-verify.command';
import { startAnchorParties, type AnchorBank, type AnchorParties } from './anchor-parties';

jest.setTimeout(180_000);

const logger = testLogger('anchor-refusal-retry-test');
const timeoutMs = 60_000;
/** How long a bank waits for its books before refusing BOOKS_BEHIND, short for the test. */
const recordsWaitMs = 300;

interface Command {
  commandId: string;
  type: string;
  operatorId: string | null;
  debit: string | null;
  credit: string | null;
  amount: bigint | null;
}

describe('a mistaken refusal is re-evaluated; a real one stays', () => {
  const suffix = uniqueSuffix();
  // One entry per block, so each step below is one block. Writable: one test lowers the quorum.
  const settings: { -readonly [K in keyof AnchorSealerSettings]: AnchorSealerSettings[K] } = { ANCHOR_ENABLED: true, ANCHOR_BLOCK_ENTRIES_MAX: 1, ANCHOR_BLOCK_INTERVAL_MS: 1, ANCHOR_POLL_MS: 10, ANCHOR_QUORUM: undefined };
  let parties: AnchorParties;
  let centralDatabase: FreshDatabase;
  let central: Pool;
  let sealer: AnchorSealer;
  let banks: AnchorBank[] = [];
  let nextBatchId = 1;

  async function commit(command: Command): Promise<bigint> {
    const batchId = nextBatchId++;
    const drawn = await central.query<{ s: string }>("select nextval('ledger_entry_sequence')::text as s");
    const sequence = drawn.rows[0]!.s;
    await central.query('insert into ledger_batches (id, partition, command_count, first_sequence, last_sequence, committed_at) values ($1, 0, 1, $2, $2, now())', [batchId, sequence]);
    await central.query(
      `insert into ledger_commands (command_id, batch_id, command_type, operator_id, status, sequence, debit_account, credit_account, amount, facts)
       values ($1, $2, $3, $4, 'accepted', $5, $6, $7, $8, $9)`,
      [command.commandId, batchId, command.type, command.operatorId, sequence, command.debit, command.credit, command.amount?.toString() ?? null, JSON.stringify({ note: command.commandId })],
    );
    return BigInt(sequence);
  }

  const load = (bank: AnchorBank, commandId: string, amount: bigint): Command => ({
    commandId,
    type: 'ledger.load',
    operatorId: bank.id,
    debit: `vault:${bank.id}`,
    credit: `wallet:${bank.walletId}`,
    amount,
  });
  const auditRecord = (commandId: string): Command => ({ commandId, type: 'ledger.audit-record', operatorId: null, debit: null, credit: null, amount: null });

  /** The bank's side of a load: asked for (pending), or applied with its result (accepted, in the wallet's history). */
  async function bookLoad(bank: AnchorBank, commandId: string, amount: bigint, sequence: bigint | null, recordedAmount = amount): Promise<void> {
    await bank.pool.query(
      `insert into ledger_requests (kind, request_id, wallet_id, amount, command_id, status, sequence, decided_at)
       values ('load', $1, $2, $3, $1, $4, $5, case when $5::bigint is null then null else now() end)
       on conflict (kind, request_id) do update set status = excluded.status, sequence = excluded.sequence, decided_at = excluded.decided_at`,
      [commandId, bank.walletId, amount.toString(), sequence === null ? 'pending' : 'accepted', sequence?.toString() ?? null],
    );
    if (sequence !== null) {
      await bank.pool.query(`insert into wallet_history (wallet_id, kind, reference, amount, sequence) values ($1, 'load', $2, $3, $4)`, [
        bank.walletId,
        commandId,
        recordedAmount.toString(),
        sequence.toString(),
      ]);
    }
  }

  /** A few sealer rounds, as its timer would run them (flush: seal now, retry now, propose refused blocks again now). */
  async function sealRounds(rounds = 3): Promise<void> {
    const client = await central.connect();
    try {
      for (let round = 0; round < rounds; round++) await sealer.tick(client, true);
    } finally {
      client.release();
    }
  }

  async function heightOf(sequence: bigint): Promise<string> {
    const found = await central.query<{ height: string }>('select height::text as height from anchor_blocks where first_sequence <= $1 and last_sequence >= $1', [sequence.toString()]);
    return found.rows[0]!.height;
  }

  async function endorsersOf(height: string): Promise<string[]> {
    const found = await central.query<{ operator_id: string }>('select operator_id from anchor_endorsements where height = $1 order by operator_id', [height]);
    return found.rows.map((row) => row.operator_id);
  }

  async function refusalsOf(height: string): Promise<string[]> {
    const found = await central.query<{ operator_id: string; code: string }>('select operator_id, code from anchor_refusals where height = $1 order by id', [height]);
    return found.rows.map((row) => `${row.operator_id}:${row.code}`);
  }

  beforeAll(async () => {
    parties = await startAnchorParties({ name: 'refusal-retry', suffix, settings, recordsWaitMs, logger });
    ({ centralDatabase, central, sealer, banks } = parties);
  });

  afterAll(async () => {
    await parties?.stop();
  });

  it('a bank whose books were behind refuses, then endorses every block once they caught up, and the chain is final', async () => {
    const [a, b] = banks as [AnchorBank, AnchorBank];
    // Block 0: a load of b's wallet that b's books hold; both endorse it.
    const first = await commit(load(b, `load-b-${suffix}`, 5_000n));
    await bookLoad(b, `load-b-${suffix}`, 5_000n, first);
    // Block 1: a load of a's wallet whose result a's books have not applied yet (still pending).
    const pending = await commit(load(a, `load-a-${suffix}`, 7_000n));
    await bookLoad(a, `load-a-${suffix}`, 7_000n, null);
    // Blocks 2 and 3: entries that concern no bank.
    await commit(auditRecord(`audit-1-${suffix}`));
    const last = await commit(auditRecord(`audit-2-${suffix}`));
    await sealRounds();

    const [pendingHeight, lastHeight] = [await heightOf(pending), await heightOf(last)];
    await waitFor(async () => (await refusalsOf(lastHeight)).length > 0 && (await endorsersOf(lastHeight)).length === 1, timeoutMs, { what: "a's refusal of the last block, b's endorsement" });
    expect(await refusalsOf(pendingHeight)).toEqual([`${a.id}:BOOKS_BEHIND`]);
    expect(await refusalsOf(String(Number(pendingHeight) + 1))).toEqual([`${a.id}:PREVIOUS_BLOCK_MISSING`]);
    expect(await refusalsOf(lastHeight)).toEqual([`${a.id}:PREVIOUS_BLOCK_MISSING`]);
    // With a quorum of both banks, nothing from the refused block on is final: a's chain halted here.
    const open = await central.query<{ height: string }>('select height::text as height from anchor_blocks where final_at is null order by height');
    expect(open.rows.map((row) => row.height)).toEqual([pendingHeight, String(Number(pendingHeight) + 1), lastHeight]);
    const toPropose = await refusedToPropose(central, anchorRefusalCodesTransient, 64);
    expect([...toPropose]).toEqual([[a.id, [BigInt(pendingHeight), BigInt(pendingHeight) + 1n, BigInt(lastHeight)]]]);

    // a's books catch up; the central bank proposes the refused blocks to a again; a endorses them all.
    await bookLoad(a, `load-a-${suffix}`, 7_000n, pending);
    await waitFor(
      async () => {
        await sealRounds(1);
        const notFinal = await central.query<{ n: number }>('select count(*)::int as n from anchor_blocks where final_at is null or final_published_at is null');
        return notFinal.rows[0]!.n === 0;
      },
      timeoutMs,
      { what: 'every block final after the second proposals', intervalMs: 300 },
    );
    for (const height of [pendingHeight, lastHeight]) expect(await endorsersOf(height)).toEqual([a.id, b.id].sort());
    // a's replica holds the load's entry with its leaf (a payment proof could be given), and no refusal is left to answer.
    const entry = await a.pool.query('select 1 from anchor_replica_entries where command_id = $1', [`load-a-${suffix}`]);
    expect(entry.rowCount).toBe(1);
    expect((await a.pool.query('select 1 from anchor_refused_blocks')).rowCount).toBe(0);
    await waitFor(async () => (await auditVerify({ databaseUrl: a.database.url })).ok, timeoutMs, { what: "a's replica verifies", intervalMs: 300 });
    expect(await auditVerify({ databaseUrl: centralDatabase.url })).toMatchObject({ ok: true, problems: [] });
    expect(await auditVerify({ databaseUrl: b.database.url })).toMatchObject({ ok: true, problems: [] });
    expect((await refusedToPropose(central, anchorRefusalCodesTransient, 64)).size).toBe(0);
  });

  it('a block that became final without the bank is proposed to it again, and it endorses it late and keeps its entries', async () => {
    const [a, b] = banks as [AnchorBank, AnchorBank];
    // One endorsement is enough from here on (the quorum is recorded with each block when it is sealed).
    settings.ANCHOR_QUORUM = 1;
    try {
      const sequence = await commit(load(a, `load-a-late-${suffix}`, 3_000n));
      await bookLoad(a, `load-a-late-${suffix}`, 3_000n, null);
      await sealRounds();
      const height = await heightOf(sequence);
      // b's endorsement makes it final; a refused it (books behind) and holds it only from the final announcement.
      await waitFor(
        async () => {
          await sealRounds(1);
          const held = await a.pool.query<{ leaf_hashes: Buffer | null; final_at: Date | null }>('select leaf_hashes, final_at from anchor_replica_blocks where height = $1', [height]);
          return held.rows[0]?.final_at != null && held.rows[0].leaf_hashes === null;
        },
        timeoutMs,
        { what: "the block final by b alone, in a's replica from its announcement", intervalMs: 300 },
      );
      expect(await endorsersOf(height)).toEqual([b.id]);
      expect(await refusalsOf(height)).toEqual([`${a.id}:BOOKS_BEHIND`]);

      await bookLoad(a, `load-a-late-${suffix}`, 3_000n, sequence);
      await waitFor(
        async () => {
          await sealRounds(1);
          return (await endorsersOf(height)).length === 2;
        },
        timeoutMs,
        { what: "a's late endorsement", intervalMs: 300 },
      );
      const held = await a.pool.query<{ leaf_hashes: Buffer | null }>('select leaf_hashes from anchor_replica_blocks where height = $1', [height]);
      expect(held.rows[0]!.leaf_hashes).not.toBeNull();
      expect((await a.pool.query('select 1 from anchor_replica_entries where command_id = $1', [`load-a-late-${suffix}`])).rowCount).toBe(1);
      expect((await a.pool.query('select 1 from anchor_replica_endorsements where height = $1 and operator_id = $2', [height, a.id])).rowCount).toBe(1);
    } finally {
      settings.ANCHOR_QUORUM = undefined;
    }
  });

  it('a block that contradicts the books stays refused and is not proposed again', async () => {
    const [a, b] = banks as [AnchorBank, AnchorBank];
    // The ledger moved 900 fen to a's wallet; a's books say 800: a real contradiction.
    const sequence = await commit(load(a, `load-a-wrong-${suffix}`, 900n));
    await bookLoad(a, `load-a-wrong-${suffix}`, 900n, sequence, 800n);
    await sealRounds();
    const height = await heightOf(sequence);
    await waitFor(async () => (await refusalsOf(height)).length > 0 && (await endorsersOf(height)).length === 1, timeoutMs, { what: "a's refusal, b's endorsement" });
    // More rounds of the sealer, each of which proposes transiently refused blocks again.
    for (let round = 0; round < 3; round++) {
      await sealRounds(1);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await refusalsOf(height)).toEqual([`${a.id}:ENTRY_MISMATCH`]);
    expect(await endorsersOf(height)).toEqual([b.id]);
    expect((await refusedToPropose(central, anchorRefusalCodesTransient, 64)).size).toBe(0);
    const refused = await a.pool.query<{ code: string }>('select code from anchor_refused_blocks where height = $1', [height]);
    expect(refused.rows.map((row) => row.code)).toEqual(['ENTRY_MISMATCH']);
  });
});
