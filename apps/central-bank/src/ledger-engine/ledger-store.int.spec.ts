// Proves the consumer position fences writers: of two transactions that claim the same position
// (a zombie engine and its successor), the second waits for the first and then fails, and a state
// read with its position in one snapshot is fenced once another writer commits after it, so a
// writer with a stale memory can never commit a batch.
import path from 'node:path';
import { Pool } from 'pg';
import { createPool, runMigrations } from '@cbdc/platform';
import { freshDatabase, FreshDatabase } from '@cbdc/testing';
import { loadLedgerSnapshot } from './ledger-state-loader';
import { claimPosition, ensurePositions, FencedError, readPositions } from './ledger-store';

describe('claimPosition', () => {
  let database: FreshDatabase;
  let pool: Pool;
  const position = { consumer: 'engine', topic: 'ledger.commands.test', partition: 0 };

  beforeAll(async () => {
    database = await freshDatabase('ledger_store');
    pool = createPool({ url: database.url, applicationName: 'ledger-store-test' });
    await runMigrations(pool, path.join(__dirname, '..', '..', 'migrations'));
  });

  const loadPosition = async (db: Pool, consumer: string, topic: string, partition: number): Promise<bigint | undefined> => {
    await ensurePositions(db, consumer, topic, partition + 1);
    return (await readPositions(db, consumer, topic)).get(partition);
  };

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

  it('fences a writer whose state and position were read before another writer committed', async () => {
    const other = { consumer: 'engine-snapshot', topic: 'ledger.commands.snapshot', partition: 0 };
    const stale = await loadLedgerSnapshot(pool, other.consumer, other.topic, 1);
    expect(stale.positions.get(0)).toBe(0n);
    // Another engine commits a batch after that snapshot.
    const successor = await pool.connect();
    try {
      await successor.query('begin');
      await claimPosition(successor, { ...other, nextOffset: 5n }, 0n);
      await successor.query('commit');
    } finally {
      successor.release();
    }
    // The writer holding the older snapshot cannot commit on top of it.
    const zombie = await pool.connect();
    try {
      await zombie.query('begin');
      await expect(claimPosition(zombie, { ...other, nextOffset: 7n }, stale.positions.get(0)!)).rejects.toBeInstanceOf(FencedError);
      await zombie.query('rollback');
    } finally {
      zombie.release();
    }
    // A snapshot read now carries the new position together with the state as of it.
    const fresh = await loadLedgerSnapshot(pool, other.consumer, other.topic, 1);
    expect(fresh.positions.get(0)).toBe(5n);
  });
});
