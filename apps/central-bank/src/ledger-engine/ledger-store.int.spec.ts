// Proves the consumer position fences writers: of two transactions that claim the same position
// (a zombie engine and its successor), the second waits for the first and then fails, so a writer
// with a stale memory can never commit a batch.
import path from 'node:path';
import { Pool } from 'pg';
import { createPool, runMigrations } from '@cbdc/platform';
import { freshDatabase, FreshDatabase } from '@cbdc/testing';
import { claimPosition, FencedError, loadPosition } from './ledger-store';

describe('claimPosition', () => {
  let database: FreshDatabase;
  let pool: Pool;
  const position = { consumer: 'engine', topic: 'ledger.commands.test', partition: 0 };

  beforeAll(async () => {
    database = await freshDatabase('ledger_store');
    pool = createPool({ url: database.url, applicationName: 'ledger-store-test' });
    await runMigrations(pool, path.join(__dirname, '..', '..', 'migrations'));
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  it('lets the first of two writers through and fences the second, which waited for it', async () => {
    expect(await loadPosition(pool, position.consumer, position.topic, position.partition)).toBe(0n);
    const first = await pool.connect();
    const second = await pool.connect();
    try {
      await first.query('begin');
      await second.query('begin');
      await claimPosition(first, { ...position, nextOffset: 10n }, 0n);
      const secondClaim = claimPosition(second, { ...position, nextOffset: 20n }, 0n).then(
        () => 'claimed',
        (error: unknown) => error,
      );
      // The second claim is blocked on the row until the first commits.
      const early = await Promise.race([secondClaim, new Promise((resolve) => setTimeout(() => resolve('waiting'), 300))]);
      expect(early).toBe('waiting');
      await first.query('commit');
      expect(await secondClaim).toBeInstanceOf(FencedError);
      await second.query('rollback');
    } finally {
      first.release();
      second.release();
    }
    expect(await loadPosition(pool, position.consumer, position.topic, position.partition)).toBe(10n);
    // The fenced writer reloads the position and goes on from there.
    const client = await pool.connect();
    try {
      await client.query('begin');
      await claimPosition(client, { ...position, nextOffset: 30n }, 10n);
      await client.query('commit');
    } finally {
      client.release();
    }
    expect(await loadPosition(pool, position.consumer, position.topic, position.partition)).toBe(30n);
  });
});
