import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Pool } from 'pg';
import type { Logger } from '../logging/logger';

/**
 * Schema migrations: plain SQL files `NNNN-name.sql` in an app's `migrations/` folder, applied
 * in order, each in its own transaction together with its row in `schema_migrations`.
 *
 * Invariants kept:
 * - a migration is applied at most once per database (the version is the primary key);
 * - an applied migration never changes: its file's checksum must still match, else start fails;
 * - two instances starting at once do not race: the whole run holds a PostgreSQL advisory lock.
 */

export interface MigrationFile {
  version: number;
  name: string;
  fileName: string;
  sql: string;
  checksum: string;
}

export interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

const migrationFilePattern = /^(\d{4})-([a-z0-9][a-z0-9-]*)\.sql$/;

/** A fixed key: one migration run at a time per database, whichever app it belongs to. */
export const migrationLockKey = 7_100_001;

/**
 * SHA-256 of the SQL text with line endings normalised, so a checkout with CRLF line endings
 * does not look like an edited migration.
 */
export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n'), 'utf8').digest('hex');
}

/** Parses `0001-init.sql` into its version and name; undefined for anything else. */
export function parseMigrationFileName(fileName: string): { version: number; name: string } | undefined {
  const match = migrationFilePattern.exec(fileName);
  if (!match) return undefined;
  return { version: Number(match[1]), name: match[2]! };
}

/** Builds the ordered list of migrations from file names and contents (pure; for tests too). */
export function migrationsFromFiles(files: ReadonlyArray<{ fileName: string; sql: string }>): MigrationFile[] {
  const result: MigrationFile[] = [];
  for (const file of files) {
    const parsed = parseMigrationFileName(file.fileName);
    if (!parsed) {
      throw new MigrationError(`Migration file ${file.fileName} is not named NNNN-name.sql`);
    }
    if (parsed.version === 0) throw new MigrationError(`Migration file ${file.fileName}: versions start at 0001`);
    result.push({ ...parsed, fileName: file.fileName, sql: file.sql, checksum: migrationChecksum(file.sql) });
  }
  result.sort((a, b) => a.version - b.version);
  for (let i = 1; i < result.length; i++) {
    if (result[i]!.version === result[i - 1]!.version) {
      throw new MigrationError(`Migration files ${result[i - 1]!.fileName} and ${result[i]!.fileName} have the same version`);
    }
  }
  return result;
}

/** Reads every `*.sql` file of a folder; other files (a README) are ignored. */
export function readMigrationFiles(dir: string): MigrationFile[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new MigrationError(`Migrations folder ${dir} does not exist`);
  }
  const files = readdirSync(dir)
    .filter((fileName) => fileName.endsWith('.sql'))
    .map((fileName) => ({ fileName, sql: readFileSync(path.join(dir, fileName), 'utf8') }));
  return migrationsFromFiles(files);
}

/**
 * Decides what to apply (pure). An applied migration whose file changed or disappeared is an
 * error: the database no longer matches the code's idea of its schema, and a person must look.
 */
export function planMigrations(files: readonly MigrationFile[], applied: readonly AppliedMigration[]): MigrationFile[] {
  const byVersion = new Map(files.map((file) => [file.version, file]));
  for (const done of applied) {
    const file = byVersion.get(done.version);
    if (!file) {
      throw new MigrationError(`Migration ${pad(done.version)}-${done.name} is applied in the database but its file is missing`);
    }
    if (file.checksum !== done.checksum) {
      throw new MigrationError(
        `Migration ${file.fileName} was changed after it was applied (checksum ${done.checksum.slice(0, 12)} in the database, ${file.checksum.slice(0, 12)} on disk); add a new migration instead`,
      );
    }
  }
  const appliedVersions = new Set(applied.map((done) => done.version));
  const pending = files.filter((file) => !appliedVersions.has(file.version));
  const newestApplied = Math.max(0, ...applied.map((done) => done.version));
  const outOfOrder = pending.find((file) => file.version < newestApplied);
  if (outOfOrder) {
    throw new MigrationError(`Migration ${outOfOrder.fileName} is older than the newest applied migration ${pad(newestApplied)}; renumber it`);
  }
  return pending;
}

function pad(version: number): string {
  return String(version).padStart(4, '0');
}

export interface MigrationRunResult {
  applied: string[];
  alreadyApplied: number;
}

/** Applies the pending migrations of `dir` to the database of `pool`. */
export async function runMigrations(pool: Pool, dir: string, logger?: Logger): Promise<MigrationRunResult> {
  const files = readMigrationFiles(dir);
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    // A session-level lock on this one connection: held across the per-migration transactions.
    await client.query('SELECT pg_advisory_lock($1)', [migrationLockKey]);
    try {
      await client.query(`
        CREATE TABLE IF NOT EXISTS schema_migrations (
          version    integer PRIMARY KEY CHECK (version > 0),
          name       text NOT NULL,
          checksum   text NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
          applied_at timestamptz NOT NULL DEFAULT now()
        )`);
      const { rows } = await client.query<AppliedMigration>('SELECT version, name, checksum FROM schema_migrations ORDER BY version');
      const pending = planMigrations(files, rows);
      for (const migration of pending) {
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
            migration.version,
            migration.name,
            migration.checksum,
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch((rollbackError: Error) => {
            broken = rollbackError;
          });
          throw new MigrationError(`Migration ${migration.fileName} failed: ${(error as Error).message}`);
        }
        logger?.info({ migration: migration.fileName }, 'migration applied');
      }
      return { applied: pending.map((migration) => migration.fileName), alreadyApplied: rows.length };
    } finally {
      if (!broken) await client.query('SELECT pg_advisory_unlock($1)', [migrationLockKey]).catch((error: Error) => (broken = error));
    }
  } finally {
    // Destroying a broken connection also releases its session lock on the server.
    client.release(broken);
  }
}

/**
 * Finds `apps/<app>/migrations` by walking up from `startDir`, so the same code finds the SQL
 * files when it runs from `apps/<app>/src` (tsx, Jest) and from `dist/apps/<app>/src` (node).
 */
export function findMigrationsDir(app: string, startDir: string = __dirname): string {
  let dir = path.resolve(startDir);
  for (;;) {
    const candidate = path.join(dir, 'apps', app, 'migrations');
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new MigrationError(`No apps/${app}/migrations folder above ${startDir}`);
    dir = parent;
  }
}
