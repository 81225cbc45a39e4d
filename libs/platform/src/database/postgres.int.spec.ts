// Proves against a real PostgreSQL that migrations apply once in order (even with two runners racing), refuse an edited file, that rows written in a transaction are read back or rolled back, that a snapshot reads one instant and writes nothing, and that a pool survives PostgreSQL restarting.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Pool } from 'pg';
import { freshDatabase, testLogger, testStack, waitFor, type FreshDatabase } from '@cbdc/testing';
import { PostgresHealthIndicator } from '../health/postgres.health';
import { MigrationError, runMigrations } from './migrations';
import { createPool, withSnapshot, withTransaction } from './pool';

jest.setTimeout(180_000);

describe('PostgreSQL: migrations, transactions, restarts', () => {
  const logger = testLogger();
  let database: FreshDatabase;
  let pool: Pool;
  let migrationsDir: string;

  beforeAll(async () => {
    database = await freshDatabase('platform_pg');
    pool = createPool({ url: database.url, applicationName: 'postgres.int.spec', logger, connectionTimeoutMs: 2_000 });
    migrationsDir = mkdtempSync(path.join(tmpdir(), 'migrations-'));
    writeFileSync(
      path.join(migrationsDir, '0001-notes.sql'),
      'create table notes (id bigserial primary key, body text not null check (body <> \'\'));\n',
    );
    writeFileSync(path.join(migrationsDir, '0002-notes-author.sql'), "alter table notes add column author text not null default 'nobody';\n");
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
    rmSync(migrationsDir, { recursive: true, force: true });
  });

  it('applies each migration once, in order, even when two runners start together', async () => {
    const second = createPool({ url: database.url, applicationName: 'postgres.int.spec-2', logger });
    try {
      const [a, b] = await Promise.all([runMigrations(pool, migrationsDir, logger), runMigrations(second, migrationsDir, logger)]);
      // The advisory lock serialises the two: one applies both files, the other finds them applied.
      expect([...a.applied, ...b.applied].sort()).toEqual(['0001-notes.sql', '0002-notes-author.sql']);
      expect(a.applied.length === 0 || b.applied.length === 0).toBe(true);
    } finally {
      await second.end();
    }
    const { rows } = await pool.query<{ version: number; name: string }>('select version, name from schema_migrations order by version');
    expect(rows).toEqual([
      { version: 1, name: 'notes' },
      { version: 2, name: 'notes-author' },
    ]);
    const again = await runMigrations(pool, migrationsDir, logger);
    expect(again).toEqual({ applied: [], alreadyApplied: 2 });
  });

  it('writes a row in a transaction and reads it back', async () => {
    const id = await withTransaction(pool, async (client) => {
      const inserted = await client.query<{ id: string }>("insert into notes (body, author) values ('first note', 'test') returning id");
      return inserted.rows[0]!.id;
    });
    const { rows } = await pool.query('select body, author from notes where id = $1', [id]);
    expect(rows).toEqual([{ body: 'first note', author: 'test' }]);
  });

  it('rolls back everything a failed transaction wrote', async () => {
    await expect(
      withTransaction(pool, async (client) => {
        await client.query("insert into notes (body) values ('never seen')");
        await client.query("insert into notes (body) values ('')"); // violates the check constraint
      }),
    ).rejects.toThrow(/check constraint/);
    const { rows } = await pool.query("select count(*)::int as n from notes where body = 'never seen'");
    expect(rows[0].n).toBe(0);
  });

  it('reads one instant in a snapshot, however much commits meanwhile, and writes nothing there', async () => {
    const counts = await withSnapshot(pool, async (client) => {
      const before = await client.query<{ n: number }>('select count(*)::int as n from notes');
      await pool.query("insert into notes (body) values ('committed during the snapshot')");
      const after = await client.query<{ n: number }>('select count(*)::int as n from notes');
      return [before.rows[0]!.n, after.rows[0]!.n];
    });
    expect(counts[1]).toBe(counts[0]);
    await expect(withSnapshot(pool, (client) => client.query("insert into notes (body) values ('refused')"))).rejects.toThrow(/read-only transaction/);
    // The tests after this one count the notes: leave the table as it was.
    await pool.query("delete from notes where body = 'committed during the snapshot'");
  });

  it('refuses to start when an applied migration file was edited', async () => {
    writeFileSync(path.join(migrationsDir, '0001-notes.sql'), 'create table notes (id bigserial primary key);\n');
    await expect(runMigrations(pool, migrationsDir, logger)).rejects.toThrow(MigrationError);
    await expect(runMigrations(pool, migrationsDir, logger)).rejects.toThrow(/0001-notes\.sql was changed after it was applied/);
    // The lock was released despite the error: a correct folder migrates fine afterwards.
    writeFileSync(
      path.join(migrationsDir, '0001-notes.sql'),
      'create table notes (id bigserial primary key, body text not null check (body <> \'\'));\n',
    );
    await expect(runMigrations(pool, migrationsDir, logger)).resolves.toEqual({ applied: [], alreadyApplied: 2 });
  });

  it('keeps the same pool working across a PostgreSQL restart, and health follows', async () => {
    const health = new PostgresHealthIndicator(pool, new HealthIndicatorService(), logger);
    expect(await health.check()).toEqual({ postgres: { status: 'up' } });
    // Leave idle connections in the pool: the restart kills them under the pool's feet.
    await Promise.all([pool.query('select 1'), pool.query('select 1'), pool.query('select 1')]);

    await testStack('down', 'postgres');
    const down = await health.check();
    expect(down.postgres!.status).toBe('down');
    expect(String(down.postgres!.message)).not.toBe('');

    await testStack('up', 'postgres');
    await waitFor(async () => (await health.check()).postgres!.status === 'up', 30_000, { what: 'PostgreSQL health up again' });
    const { rows } = await pool.query('select count(*)::int as n from notes');
    expect(rows[0].n).toBe(1);
  });
});
