// Proves on real PostgreSQL that the sealer's reader (commands alone, batch times and wallet
// operators looked up and remembered) reads the same entries, routed to the same operators, as
// the join every other reader of the anchor uses (ledgerEntrySqlColumns over ledger_batches and
// the wallets), including once its memory is full and starts again, and with calls overlapping.
import path from 'node:path';
import { Pool } from 'pg';
import { anchorEntryFromLedgerRow, ledgerEntryFromSqlRow, ledgerEntrySqlColumns, type LedgerEntrySqlRow } from '@cbdc/anchor';
import { runMigrations } from '@cbdc/platform';
import { freshDatabase, repoRoot, type FreshDatabase } from '@cbdc/testing';
import { SealableEntryReader, type SealableEntry } from './anchor-store';

jest.setTimeout(60_000);

const operators = ['bank-a', 'bank-b'];
const wallets = Array.from({ length: 12 }, (_, i) => ({ id: `w-${i}`, operatorId: operators[i % 2]! }));

/** The reference: one join, as the auditor's export and the bank replicas read the same rows. */
async function joinedEntries(pool: Pool, after: bigint, through: bigint): Promise<SealableEntry[]> {
  const result = await pool.query<LedgerEntrySqlRow & { debit_operator: string | null; credit_operator: string | null }>(
    `select ${ledgerEntrySqlColumns}, dw.operator_id as debit_operator, cw.operator_id as credit_operator
     from ledger_commands c join ledger_batches b on b.id = c.batch_id
     left join wallets dw on dw.id = substr(c.debit_account, 8) and c.debit_account like 'wallet:%'
     left join wallets cw on cw.id = substr(c.credit_account, 8) and c.credit_account like 'wallet:%'
     where c.sequence > $1 and c.sequence <= $2 order by c.sequence`,
    [after.toString(), through.toString()],
  );
  return result.rows.map((row) => {
    const routed = [row.operator_id, row.debit_operator, row.credit_operator];
    for (const account of [row.debit_account, row.credit_account]) {
      const match = /^(vault|reserve):(.+)$/.exec(account ?? '');
      if (match) routed.push(match[2]!);
    }
    return { entry: anchorEntryFromLedgerRow(ledgerEntryFromSqlRow(row)), operators: new Set(routed.filter((id): id is string => id !== null)) };
  });
}

describe("the sealer's entry reader", () => {
  let database: FreshDatabase;
  let pool: Pool;
  let lastSequence = 0n;

  beforeAll(async () => {
    database = await freshDatabase('anchor_entry_reader');
    pool = new Pool({ connectionString: database.url, max: 6 });
    await runMigrations(pool, path.join(repoRoot(), 'apps/central-bank/migrations'));
    for (const id of operators) {
      await pool.query(`insert into operators (id, name, kind, public_key, reserve_ratio_bps, issue_quota_auto) values ($1, $1, 'bank', $2, 10000, 0)`, [id, Buffer.alloc(32, id.length)]);
    }
    for (const [index, wallet] of wallets.entries()) {
      await pool.query('insert into wallets (id, operator_id, wallet_class, public_key) values ($1, $2, 2, $3)', [wallet.id, wallet.operatorId, Buffer.alloc(32, index)]);
    }
    // Five batches committed a second apart, each with payments between wallets of both banks,
    // a load from a vault, a registration that moves no money, and a command with facts.
    let sequence = 0;
    for (let batch = 1; batch <= 5; batch++) {
      const first = sequence + 1;
      const rows: unknown[][] = [];
      for (let i = 0; i < 8; i++) {
        sequence++;
        const payer = wallets[(batch * 8 + i) % wallets.length]!;
        const payee = wallets[(batch * 8 + i + 1 + (i % 3)) % wallets.length]!;
        const kind = i % 4;
        rows.push(
          kind === 0
            ? [`load-${sequence}`, batch, 'ledger.load', payee.operatorId, sequence, `vault:${payee.operatorId}`, `wallet:${payee.id}`, 500, null]
            : kind === 1
              ? [`register-${sequence}`, batch, 'ledger.register-wallet', payer.operatorId, sequence, null, null, null, JSON.stringify({ walletId: payer.id, walletClass: 2 })]
              : [`pay-${sequence}`, batch, 'ledger.payment', payer.operatorId, sequence, `wallet:${payer.id}`, `wallet:${payee.id}`, 100 + sequence, kind === 3 ? JSON.stringify({ memo: `m${sequence}` }) : null],
        );
      }
      await pool.query(`insert into ledger_batches (id, partition, command_count, first_sequence, last_sequence, committed_at) values ($1, 0, 8, $2, $3, timestamptz '2026-11-29 12:00:00+00' + $4 * interval '1 second')`, [
        batch,
        first,
        sequence,
        batch,
      ]);
      for (const row of rows) {
        await pool.query(
          `insert into ledger_commands (command_id, batch_id, command_type, operator_id, status, sequence, debit_account, credit_account, amount, facts) values ($1, $2, $3, $4, 'accepted', $5, $6, $7, $8, $9)`,
          row,
        );
      }
    }
    lastSequence = BigInt(sequence);
  });

  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  it('reads the entries and their operators as the join does, block after block, with its memory kept and started again', async () => {
    const reference = await joinedEntries(pool, 0n, lastSequence);
    expect(reference).toHaveLength(40);
    // Limits far below the data: both maps start again several times along the way.
    for (const reader of [new SealableEntryReader(), new SealableEntryReader({ walletsMax: 5, batchesMax: 1 })]) {
      const read: SealableEntry[] = [];
      for (let after = 0n; after < lastSequence; after += 7n) read.push(...(await reader.between(pool, after, lastSequence, 7)));
      expect(read).toEqual(reference);
      // Read again from what it remembers.
      expect(await reader.between(pool, 0n, lastSequence, 100)).toEqual(reference);
    }
  });

  it('asks for the batches and wallets only once while it remembers them', async () => {
    const reader = new SealableEntryReader();
    let queries = 0;
    const counting = { query: (...args: Parameters<Pool['query']>) => ((queries += 1), pool.query(...args)) } as unknown as Pool;
    await reader.between(counting, 0n, lastSequence, 100);
    expect(queries).toBe(2);
    await reader.between(counting, 10n, 30n, 100);
    expect(queries).toBe(3);
  });

  it('answers overlapping calls each with its own lookups, even while one starts the memory again', async () => {
    const reader = new SealableEntryReader({ walletsMax: 3, batchesMax: 1 });
    const ranges: [bigint, bigint][] = [
      [0n, 8n],
      [8n, 16n],
      [16n, 40n],
      [4n, 30n],
      [0n, 40n],
    ];
    const results = await Promise.all(ranges.map(([after, through]) => reader.between(pool, after, through, 100)));
    for (const [index, [after, through]] of ranges.entries()) expect(results[index]).toEqual(await joinedEntries(pool, after, through));
  });

  it('fails loudly, rather than sealing without it, when an entry names a batch that is not there', async () => {
    await pool.query(`insert into ledger_commands (command_id, batch_id, command_type, operator_id, status, sequence) values ('orphan', 99, 'ledger.register-wallet', 'bank-a', 'accepted', $1)`, [
      (lastSequence + 1n).toString(),
    ]);
    await expect(new SealableEntryReader().between(pool, lastSequence, lastSequence + 1n, 10)).rejects.toThrow('ledger batch 99 of entry');
  });
});
