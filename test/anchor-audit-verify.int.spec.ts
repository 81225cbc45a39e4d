// Proves, on real PostgreSQL and Kafka, that the central bank seals committed entries (with sequence holes) into signed blocks, that two banks check them against their own books and endorse them over Kafka until they are final, that a bank refuses a block that disagrees with its books with a reason the central bank records, that `cbdc audit verify` passes the central bank's chain, each bank's replica and an auditor's export, that a payment's proof from a bank verifies, and that each tampering of the central bank's database (an amount changed, an entry deleted, an entry inserted, two blocks swapped, a header rewritten with a recomputed root, an endorsement forged) is caught with a precise code.
import { writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Pool } from 'pg';
import {
  anchorEntryFromLedgerRow,
  blockHash,
  endorseBlockHeader,
  entryHash,
  ledgerEntryFromSqlRow,
  ledgerEntrySqlColumns,
  merkleRoot,
  verifyEntryProof,
  type BlockHeader,
  type LedgerEntrySqlRow,
} from '@cbdc/anchor';
import { generateKeyPair, toHex } from '@cbdc/crypto';
import { testLogger, uniqueSuffix, waitFor, type FreshDatabase } from '@cbdc/testing';
import { AnchorSealer, type AnchorSealerSettings } from '../apps/central-bank/src/anchor/anchor-sealer.service';
import { AnchorQueryService } from '../apps/central-bank/src/anchor/anchor-query.service';
import type { CentralBankKey } from '../apps/central-bank/src/keys/central-bank-key';
import { run } from '../apps/cli/src/cli';
import { startAnchorParties, type AnchorBank, type AnchorParties } from './anchor-parties';
import type { CliIo } from '../apps/cli/src/cli-command';
import { auditVerify, type AuditReport } from '../apps/cli/src/commands/audit-verify.command';

jest.setTimeout(180_000);

const logger = testLogger('anchor-test');
const finalTimeoutMs = 60_000;

const codes = (report: AuditReport): string[] => report.problems.map((p) => `${p.height}:${p.code}`);

describe('the permissioned anchor log end to end', () => {
  const suffix = uniqueSuffix();
  const settings: AnchorSealerSettings = { ANCHOR_ENABLED: true, ANCHOR_BLOCK_ENTRIES_MAX: 3, ANCHOR_BLOCK_INTERVAL_MS: 1, ANCHOR_POLL_MS: 10, ANCHOR_QUORUM: undefined };
  const exportFile = path.join(tmpdir(), `cbdc-anchor-export-${suffix}.json`);
  let parties: AnchorParties;
  let centralDatabase: FreshDatabase;
  let central: Pool;
  let centralKey: CentralBankKey;
  let sealer: AnchorSealer;
  let banks: AnchorBank[] = [];
  let nextBatchId = 1;
  let paymentSequence = 0n;
  let holeSequence = 0n;

  /** Commits one engine-like batch: draws one sequence per command (and `holes` more, thrown away). */
  async function commitBatch(commands: { commandId: string; type: string; operatorId: string | null; debit: string | null; credit: string | null; amount: bigint | null }[], holeAfter = -1): Promise<{ batchId: number; sequences: bigint[] }> {
    const batchId = nextBatchId++;
    const sequences: bigint[] = [];
    for (let i = 0; i < commands.length; i++) {
      const drawn = await central.query<{ s: string }>("select nextval('ledger_entry_sequence')::text as s");
      sequences.push(BigInt(drawn.rows[0]!.s));
      if (i === holeAfter) {
        // A number drawn by a transaction that rolled back: a hole forever.
        const hole = await central.query<{ s: string }>("select nextval('ledger_entry_sequence')::text as s");
        holeSequence = BigInt(hole.rows[0]!.s);
      }
    }
    await central.query('insert into ledger_batches (id, partition, command_count, first_sequence, last_sequence, committed_at) values ($1, 0, $2, $3, $4, now())', [
      batchId,
      commands.length,
      sequences[0]!.toString(),
      sequences[sequences.length - 1]!.toString(),
    ]);
    for (const [i, c] of commands.entries()) {
      await central.query(
        `insert into ledger_commands (command_id, batch_id, command_type, operator_id, status, sequence, debit_account, credit_account, amount, facts)
         values ($1, $2, $3, $4, 'accepted', $5, $6, $7, $8, $9)`,
        [c.commandId, batchId, c.type, c.operatorId, sequences[i]!.toString(), c.debit, c.credit, c.amount?.toString() ?? null, c.amount === null ? null : JSON.stringify({ note: c.commandId })],
      );
    }
    return { batchId, sequences };
  }

  async function bookLoad(bank: AnchorBank, commandId: string, amount: bigint, sequence: bigint, recordedAmount = amount): Promise<void> {
    await bank.pool.query(
      `insert into ledger_requests (kind, request_id, wallet_id, amount, command_id, status, sequence, decided_at) values ('load', $1, $2, $3, $1, 'accepted', $4, now())`,
      [commandId, bank.walletId, amount.toString(), sequence.toString()],
    );
    await bank.pool.query(`insert into wallet_history (wallet_id, kind, reference, amount, sequence) values ($1, 'load', $2, $3, $4)`, [
      bank.walletId,
      commandId,
      recordedAmount.toString(),
      sequence.toString(),
    ]);
  }

  async function sealAll(): Promise<void> {
    const client = await central.connect();
    try {
      // A few rounds: the first settles the watermark, the next seal and propose.
      for (let round = 0; round < 4; round++) await sealer.tick(client, true);
    } finally {
      client.release();
    }
  }

  async function waitAllFinal(): Promise<void> {
    await waitFor(
      async () => {
        await sealAll();
        const open = await central.query<{ open: number }>('select count(*)::int as open from anchor_blocks where final_published_at is null');
        return open.rows[0]!.open === 0;
      },
      finalTimeoutMs,
      { what: 'every block final and announced', intervalMs: 200 },
    );
    for (const bank of banks) {
      await waitFor(
        async () => {
          const pending = await bank.pool.query<{ pending: number }>(
            `select count(*)::int as pending from anchor_replica_blocks b where final_at is null or (select count(*) from anchor_replica_endorsements e where e.height = b.height) < 2`,
          );
          const held = await bank.pool.query<{ held: number }>('select count(*)::int as held from anchor_replica_blocks');
          const sealed = await central.query<{ sealed: number }>('select count(*)::int as sealed from anchor_blocks');
          return pending.rows[0]!.pending === 0 && held.rows[0]!.held === sealed.rows[0]!.sealed;
        },
        finalTimeoutMs,
        { what: `${bank.id}'s replica complete`, intervalMs: 200 },
      );
    }
  }

  /** Runs a tampering as an attacker with database access (sealed-entry triggers off), verifies, then undoes it. */
  async function tampered(attack: (db: Pool) => Promise<() => Promise<void>>): Promise<AuditReport> {
    await central.query('alter table ledger_commands disable trigger anchor_sealed_entries_frozen');
    await central.query('alter table ledger_commands disable trigger anchor_sealed_range_closed');
    const undo = await attack(central);
    try {
      return await auditVerify({ databaseUrl: centralDatabase.url });
    } finally {
      await undo();
      await central.query('alter table ledger_commands enable trigger anchor_sealed_entries_frozen');
      await central.query('alter table ledger_commands enable trigger anchor_sealed_range_closed');
    }
  }

  beforeAll(async () => {
    parties = await startAnchorParties({ name: 'anchor', suffix, settings, recordsWaitMs: 1_000, logger });
    ({ centralDatabase, central, centralKey, sealer, banks } = parties);

    // The ledger: registrations (no money), a load to each bank's wallet, a payment from a to b,
    // with a hole (a rolled-back sequence) inside the sealed range.
    const [a, b] = banks as [AnchorBank, AnchorBank];
    const registrations = await commitBatch([
      { commandId: `operator-${a.id}`, type: 'ledger.register-operator', operatorId: null, debit: null, credit: null, amount: null },
      { commandId: `operator-${b.id}`, type: 'ledger.register-operator', operatorId: null, debit: null, credit: null, amount: null },
    ]);
    expect(registrations.sequences).toHaveLength(2);
    const loads = await commitBatch(
      [
        { commandId: `load-a-${suffix}`, type: 'ledger.load', operatorId: a.id, debit: `vault:${a.id}`, credit: `wallet:${a.walletId}`, amount: 100_000n },
        { commandId: `load-b-${suffix}`, type: 'ledger.load', operatorId: b.id, debit: `vault:${b.id}`, credit: `wallet:${b.walletId}`, amount: 50_000n },
      ],
      0,
    );
    await bookLoad(a, `load-a-${suffix}`, 100_000n, loads.sequences[0]!);
    await bookLoad(b, `load-b-${suffix}`, 50_000n, loads.sequences[1]!);
    const payment = await commitBatch([{ commandId: `pay-${suffix}`, type: 'ledger.payment', operatorId: null, debit: `wallet:${a.walletId}`, credit: `wallet:${b.walletId}`, amount: 30_000n }]);
    paymentSequence = payment.sequences[0]!;
    await b.pool.query(`insert into wallet_history (wallet_id, kind, reference, amount, sequence, counterparty) values ($1, 'payment-in', $2, 30000, $3, $4)`, [
      b.walletId,
      `pay-${suffix}`,
      paymentSequence.toString(),
      a.walletId,
    ]);
    await b.pool.query('insert into inbox (message_id) values ($1)', [`ledger.credits:${payment.batchId}`]);
    // Thirty entries of a type that moves no money and concerns no bank (as a regulator's audit
    // record would), so the chain grows past ten blocks (heights sort as numbers, not text).
    for (let i = 0; i < 30; i++) {
      await commitBatch([{ commandId: `audit-${i}-${suffix}`, type: 'ledger.audit-record', operatorId: null, debit: null, credit: null, amount: null }]);
    }
    await waitAllFinal();
  });

  afterAll(async () => {
    await parties?.stop();
    rmSync(exportFile, { force: true });
  });

  it('seals every entry into sparse blocks that tile the sequence space, each endorsed by both banks', async () => {
    const blocks = await central.query<{ height: string; first_sequence: string; last_sequence: string; entry_count: number; endorsed: number }>(
      `select height::text as height, first_sequence::text as first_sequence, last_sequence::text as last_sequence, entry_count,
              (select count(*)::int from anchor_endorsements e where e.height = b.height) as endorsed
       from anchor_blocks b order by b.height`,
    );
    expect(blocks.rows.map((r) => r.entry_count).reduce((x, y) => x + y, 0)).toBe(35);
    expect(blocks.rows.length).toBeGreaterThan(10);
    expect(blocks.rows[0]!.first_sequence).toBe('1');
    for (let i = 1; i < blocks.rows.length; i++) expect(BigInt(blocks.rows[i]!.first_sequence)).toBe(BigInt(blocks.rows[i - 1]!.last_sequence) + 1n);
    expect(blocks.rows.every((r) => r.endorsed === 2)).toBe(true);
    // The hole lies inside a sealed range, so the range is wider than the count somewhere.
    expect(blocks.rows.some((r) => BigInt(r.last_sequence) - BigInt(r.first_sequence) + 1n > BigInt(r.entry_count))).toBe(true);
    expect(holeSequence).toBeGreaterThan(0n);
  });

  it('refuses to change a sealed entry (trigger), unless an attacker turns the trigger off', async () => {
    await expect(central.query('update ledger_commands set amount = amount + 1 where sequence = $1', [paymentSequence.toString()])).rejects.toThrow(/sealed/);
    await expect(central.query('delete from ledger_commands where sequence = $1', [paymentSequence.toString()])).rejects.toThrow(/sealed/);
  });

  it('verifies the central bank chain, each bank replica and the auditor export', async () => {
    const report = await auditVerify({ databaseUrl: centralDatabase.url });
    expect(report).toMatchObject({ ok: true, source: 'central-bank-database', entriesRecomputed: 35, quorum: 2, problems: [] });
    for (const bank of banks) {
      expect(await auditVerify({ databaseUrl: bank.database.url })).toMatchObject({ ok: true, source: 'replica-database', quorum: 2, problems: [] });
    }
    const exported = await new AnchorQueryService(central, centralKey, settings).export();
    writeFileSync(exportFile, JSON.stringify(exported));
    expect(await auditVerify({ file: exportFile })).toMatchObject({ ok: true, source: 'export-file', entriesRecomputed: 35 });

    // Through the command line: exit 0 and a summary.
    const out: string[] = [];
    const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => out.push(t), env: {}, now: () => new Date(), cwd: process.cwd() };
    expect(await run(['audit', 'verify', '--database-url', centralDatabase.url], io)).toBe(0);
    expect(out.join('')).toMatch(/verified {4}\d+ blocks from central-bank-database, 35 entries recomputed/);
  });

  it("gives the payee's bank a payment proof that verifies against the endorsed header", async () => {
    const proof = await banks[1]!.service.paymentProof(`pay-${suffix}`);
    expect(proof).toBeDefined();
    const operatorKeys = new Map(banks.map((b) => [b.id, b.key.publicKey]));
    const wire = JSON.parse(JSON.stringify(proof));
    expect(verifyEntryProof(wire, { centralBankPublicKey: centralKey.publicKey, operatorKeys, quorum: 2 })).toEqual([]);
    wire.entry.amount = '30001';
    expect(verifyEntryProof(wire, { centralBankPublicKey: centralKey.publicKey, operatorKeys, quorum: 2 }).map((p) => p.code)).toEqual(['NOT_INCLUDED']);
    // The payer's bank holds the payment too (it concerns its wallet).
    expect(await banks[0]!.service.paymentProof(`pay-${suffix}`)).toBeDefined();
  });

  it("catches an entry's amount changed", async () => {
    const report = await tampered(async (db) => {
      await db.query('update ledger_commands set amount = amount + 1 where sequence = $1', [paymentSequence.toString()]);
      return async () => void (await db.query('update ledger_commands set amount = amount - 1 where sequence = $1', [paymentSequence.toString()]));
    });
    const height = await heightOf(paymentSequence);
    expect(codes(report)).toEqual([`${height}:MERKLE_ROOT_MISMATCH`]);
  });

  it('catches an entry deleted', async () => {
    const report = await tampered(async (db) => {
      const row = await db.query('delete from ledger_commands where sequence = $1 returning *', [paymentSequence.toString()]);
      const deleted = row.rows[0] as Record<string, unknown>;
      return async () => {
        const columns = Object.keys(deleted);
        await db.query(`insert into ledger_commands (${columns.join(', ')}) values (${columns.map((_, i) => `$${i + 1}`).join(', ')})`, columns.map((c) => deleted[c]));
      };
    });
    const height = await heightOf(paymentSequence);
    expect(codes(report)).toEqual([`${height}:ENTRY_COUNT_MISMATCH`, `${height}:MERKLE_ROOT_MISMATCH`]);
  });

  it('catches an entry inserted into a hole of a sealed range', async () => {
    const report = await tampered(async (db) => {
      await db.query(
        `insert into ledger_commands (command_id, batch_id, command_type, status, sequence, debit_account, credit_account, amount)
         values ('forged-${suffix}', 1, 'ledger.payment', 'accepted', $1, 'wallet:x', 'wallet:y', 1)`,
        [holeSequence.toString()],
      );
      return async () => void (await db.query(`delete from ledger_commands where command_id = 'forged-${suffix}'`));
    });
    const height = await heightOf(holeSequence);
    expect(codes(report)).toEqual([`${height}:ENTRY_COUNT_MISMATCH`, `${height}:MERKLE_ROOT_MISMATCH`]);
  });

  it('catches two blocks swapped', async () => {
    const report = await tampered(async (db) => {
      const swap = async (): Promise<void> => {
        const client = await db.connect();
        try {
          await client.query('begin');
          await client.query('set constraints all deferred');
          await client.query(
            `update anchor_blocks a set previous_hash = b.previous_hash, merkle_root = b.merkle_root, first_sequence = b.first_sequence, last_sequence = b.last_sequence,
                    entry_count = b.entry_count, sealed_at_ms = b.sealed_at_ms, block_hash = b.block_hash, central_bank_signature = b.central_bank_signature
             from anchor_blocks b where (a.height, b.height) in ((0, 1), (1, 0))`,
          );
          await client.query('commit');
        } finally {
          client.release();
        }
      };
      await swap();
      return swap;
    });
    expect(codes(report)).toEqual(expect.arrayContaining(['0:BAD_CENTRAL_BANK_SIGNATURE', '0:BROKEN_LINK', '1:BAD_CENTRAL_BANK_SIGNATURE', '1:BROKEN_LINK']));
  });

  it('catches a header rewritten with a recomputed root but the old signature', async () => {
    const height = await heightOf(paymentSequence);
    const report = await tampered(async (db) => {
      await db.query('update ledger_commands set amount = 1 where sequence = $1', [paymentSequence.toString()]);
      const block = await db.query<{ first_sequence: string; last_sequence: string; merkle_root: Buffer }>('select first_sequence::text as first_sequence, last_sequence::text as last_sequence, merkle_root from anchor_blocks where height = $1', [height]);
      const { first_sequence: first, last_sequence: last, merkle_root: oldRoot } = block.rows[0]!;
      const rows = await db.query<LedgerEntrySqlRow>(
        `select ${ledgerEntrySqlColumns} from ledger_commands c join ledger_batches b on b.id = c.batch_id where c.sequence between $1 and $2 order by c.sequence`,
        [first, last],
      );
      const root = merkleRoot(rows.rows.map((row) => entryHash(anchorEntryFromLedgerRow(ledgerEntryFromSqlRow(row)))));
      await db.query('update anchor_blocks set merkle_root = $2 where height = $1', [height, Buffer.from(root)]);
      return async () => {
        await db.query('update anchor_blocks set merkle_root = $2 where height = $1', [height, oldRoot]);
        await db.query('update ledger_commands set amount = 30000 where sequence = $1', [paymentSequence.toString()]);
      };
    });
    const found = codes(report);
    expect(found).toContain(`${height}:BAD_CENTRAL_BANK_SIGNATURE`);
    expect(found).not.toContain(`${height}:MERKLE_ROOT_MISMATCH`);
  });

  it("catches an endorsement forged with a key that is not the operator's", async () => {
    const report = await tampered(async (db) => {
      const block = await db.query<{ height: string; previous_hash: Buffer; merkle_root: Buffer; first_sequence: string; last_sequence: string; entry_count: number; sealed_at_ms: string }>(
        'select height::text as height, previous_hash, merkle_root, first_sequence::text as first_sequence, last_sequence::text as last_sequence, entry_count, sealed_at_ms::text as sealed_at_ms from anchor_blocks where height = 0',
      );
      const row = block.rows[0]!;
      const header: BlockHeader = {
        height: 0n,
        previousHash: new Uint8Array(row.previous_hash),
        merkleRoot: new Uint8Array(row.merkle_root),
        firstSequence: BigInt(row.first_sequence),
        lastSequence: BigInt(row.last_sequence),
        entryCount: row.entry_count,
        sealedAt: Number(row.sealed_at_ms),
      };
      expect(toHex(blockHash(header)).length).toBe(64);
      const forged = endorseBlockHeader(header, banks[0]!.id, generateKeyPair().privateKey);
      const old = await db.query<{ signature: Buffer }>('select signature from anchor_endorsements where height = 0 and operator_id = $1', [banks[0]!.id]);
      await db.query('update anchor_endorsements set signature = $2 where height = 0 and operator_id = $1', [banks[0]!.id, Buffer.from(forged.signature)]);
      return async () => void (await db.query('update anchor_endorsements set signature = $2 where height = 0 and operator_id = $1', [banks[0]!.id, old.rows[0]!.signature]));
    });
    expect(report.problems.map((p) => `${p.height}:${p.code}:${p.operatorId ?? ''}`)).toEqual([`0:BAD_ENDORSEMENT_SIGNATURE:${banks[0]!.id}`, '0:BELOW_QUORUM:']);
  });

  it('prints what broke and where, with exit 1, through the command line', async () => {
    const out: string[] = [];
    const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => out.push(t), env: {}, now: () => new Date(), cwd: process.cwd() };
    let code = -1;
    await tampered(async (db) => {
      await db.query('update ledger_commands set amount = amount + 1 where sequence = $1', [paymentSequence.toString()]);
      code = await run(['audit', 'verify', '--database-url', centralDatabase.url], io);
      return async () => void (await db.query('update ledger_commands set amount = amount - 1 where sequence = $1', [paymentSequence.toString()]));
    });
    expect(code).toBe(1);
    expect(out.join('')).toMatch(/AUDIT_FAILED|does NOT verify/);
    expect(out.join('')).toMatch(new RegExp(`block ${await heightOf(paymentSequence)} \\(position \\d+\\): MERKLE_ROOT_MISMATCH`));
    // Undone: the chain verifies again.
    expect((await auditVerify({ databaseUrl: centralDatabase.url })).ok).toBe(true);
  });

  it('a bank whose books disagree refuses the block with a reason the central bank records; the block stays unendorsed', async () => {
    const [a, b] = banks as [AnchorBank, AnchorBank];
    const load = await commitBatch([{ commandId: `load-a2-${suffix}`, type: 'ledger.load', operatorId: a.id, debit: `vault:${a.id}`, credit: `wallet:${a.walletId}`, amount: 700n }]);
    // Bank a's books say 600 fen for this load: it must refuse.
    await bookLoad(a, `load-a2-${suffix}`, 700n, load.sequences[0]!, 600n);
    await sealAll();
    const refusal = await waitFor(
      async () => (await central.query<{ operator_id: string; code: string; detail: string }>('select operator_id, code, detail from anchor_refusals')).rows[0],
      finalTimeoutMs,
      { what: 'the refusal at the central bank', intervalMs: 200 },
    );
    expect(refusal).toMatchObject({ operator_id: a.id, code: 'ENTRY_MISMATCH' });
    expect(refusal.detail).toMatch(/600/);
    await waitFor(async () => (await central.query('select 1 from anchor_endorsements e join anchor_blocks b using (height) where b.last_sequence = $1 and e.operator_id = $2', [load.sequences[0]!.toString(), b.id])).rowCount === 1, finalTimeoutMs, {
      what: "bank b's endorsement",
    });
    const report = await auditVerify({ databaseUrl: centralDatabase.url });
    // One endorsement of two: not final, but a pending tail is not a broken chain.
    expect(report).toMatchObject({ ok: true, pendingTail: 1 });
  });

  async function heightOf(sequence: bigint): Promise<string> {
    const found = await central.query<{ height: string }>('select height::text as height from anchor_blocks where first_sequence <= $1 and last_sequence >= $1', [sequence.toString()]);
    return found.rows[0]!.height;
  }
});
