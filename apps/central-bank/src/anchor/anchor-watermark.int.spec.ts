// Proves on real PostgreSQL that the sealing watermark never passes a sequence number still held by an open transaction, even one that drew it before a later transaction with a higher number committed, and even one that has written nothing yet; that a rolled-back number becomes a hole the watermark passes; and that an open transaction that never drew a number does not hold it back.
import path from 'node:path';
import { Pool, type PoolClient } from 'pg';
import { runMigrations } from '@cbdc/platform';
import { freshDatabase, repoRoot, type FreshDatabase } from '@cbdc/testing';
import { SealingWatermark } from './anchor-watermark';

jest.setTimeout(60_000);

describe('the sealing watermark', () => {
  let database: FreshDatabase;
  let pool: Pool;

  beforeAll(async () => {
    database = await freshDatabase('anchor_watermark');
    pool = new Pool({ connectionString: database.url, max: 8 });
    await runMigrations(pool, path.join(repoRoot(), 'apps/central-bank/migrations'));
  });

  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  async function draw(client: PoolClient): Promise<bigint> {
    const drawn = await client.query<{ s: string }>("select nextval('ledger_entry_sequence')::text as s");
    return BigInt(drawn.rows[0]!.s);
  }

  /** Advances the watermark a few times, as the sealer's polls do. */
  async function settle(watermark: SealingWatermark, sealer: PoolClient): Promise<bigint> {
    let value = 0n;
    for (let i = 0; i < 3; i++) value = await watermark.advance(sealer);
    return value;
  }

  it('stays below a lower number drawn by a transaction that commits after a higher one', async () => {
    const watermark = new SealingWatermark();
    const sealer = await pool.connect();
    const slow = await pool.connect();
    const fast = await pool.connect();
    try {
      await slow.query('begin');
      const low = await draw(slow);
      await fast.query('begin');
      const high = await draw(fast);
      expect(high).toBeGreaterThan(low);
      await fast.query('commit');

      // The slow writer has drawn but written nothing: the watermark must not reach its number.
      expect(await settle(watermark, sealer)).toBeLessThan(low);

      await slow.query('commit');
      expect(await settle(watermark, sealer)).toBeGreaterThanOrEqual(high);
    } finally {
      sealer.release();
      slow.release();
      fast.release();
    }
  });

  it('passes the hole left by a rolled-back transaction, and never moves back', async () => {
    const watermark = new SealingWatermark();
    const sealer = await pool.connect();
    const writer = await pool.connect();
    try {
      const before = await settle(watermark, sealer);
      await writer.query('begin');
      const hole = await draw(writer);
      expect(await settle(watermark, sealer)).toBe(before);
      expect(before).toBeLessThan(hole);
      await writer.query('rollback');
      const after = await settle(watermark, sealer);
      expect(after).toBeGreaterThanOrEqual(hole);
      expect(await settle(watermark, sealer)).toBeGreaterThanOrEqual(after);
    } finally {
      sealer.release();
      writer.release();
    }
  });

  it('is not held back by an open transaction that never drew a number', async () => {
    const watermark = new SealingWatermark();
    const sealer = await pool.connect();
    const reader = await pool.connect();
    const writer = await pool.connect();
    try {
      await reader.query('begin');
      await reader.query('select count(*) from ledger_commands');
      // Drawn and committed at once (autocommit), while the reader stays open.
      const drawn = await draw(writer);
      expect(await settle(watermark, sealer)).toBeGreaterThanOrEqual(drawn);
      expect(watermark.hasPending).toBe(false);
      await reader.query('commit');
    } finally {
      sealer.release();
      reader.release();
      writer.release();
    }
  });

  it('refuses, by trigger, a committed entry below the sealed range', async () => {
    await pool.query(`insert into operators (id, name, kind, public_key, reserve_ratio_bps, issue_quota_auto) values ('bank-z', 'z', 'bank', $1, 10000, 0)`, [Buffer.alloc(32, 1)]);
    await pool.query(
      `insert into anchor_blocks (height, previous_hash, merkle_root, first_sequence, last_sequence, entry_count, sealed_at_ms, block_hash, central_bank_signature, quorum)
       values (0, $1, $1, 1, 100, 1, 0, $2, $3, 1)`,
      [Buffer.alloc(32), Buffer.alloc(32, 2), Buffer.alloc(64)],
    );
    await expect(
      pool.query(`insert into ledger_commands (command_id, batch_id, command_type, status, sequence, debit_account, credit_account, amount) values ('late', 1, 'ledger.payment', 'accepted', 50, 'wallet:a', 'wallet:b', 1)`),
    ).rejects.toThrow(/below the sealed sequence/);
  });
});
