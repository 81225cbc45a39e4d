import { Pool, type PoolClient } from 'pg';
import type { Logger } from '../logging/logger';

/** Limits of one process's connection pool; each is named with its unit last. */
export interface PoolLimits {
  /** Connections open at most; PostgreSQL's max_connections is shared by every app. */
  poolSizeMax: number;
  /** How long a query waits for a free connection (or a new one) before it fails. */
  connectionTimeoutMs: number;
  /** Server-side cap on one statement; a runaway query is cancelled rather than hold locks. */
  statementTimeoutMs: number;
  /** An idle connection is closed after this long. */
  idleTimeoutMs: number;
}

export const poolLimitsDefault: PoolLimits = {
  poolSizeMax: 10,
  connectionTimeoutMs: 5_000,
  statementTimeoutMs: 30_000,
  idleTimeoutMs: 30_000,
};

export interface CreatePoolOptions extends Partial<PoolLimits> {
  url: string;
  /** Shown in pg_stat_activity, so a DBA sees which app holds a connection. */
  applicationName: string;
  logger?: Logger;
}

/**
 * A `pg` pool that survives PostgreSQL restarting: an idle connection that the server closes
 * makes the pool emit 'error', which would crash the process if nobody listened. We log it
 * and let the pool open a fresh connection on the next query.
 */
export function createPool(options: CreatePoolOptions): Pool {
  const limits = { ...poolLimitsDefault, ...definedOnly(options) };
  const pool = new Pool({
    connectionString: options.url,
    application_name: options.applicationName,
    max: limits.poolSizeMax,
    connectionTimeoutMillis: limits.connectionTimeoutMs,
    idleTimeoutMillis: limits.idleTimeoutMs,
    statement_timeout: limits.statementTimeoutMs,
  });
  pool.on('error', (error: Error & { code?: string }) => {
    // Message and code only: pg's error carries the whole client object, pages of noise.
    options.logger?.warn({ component: 'pg-pool', reason: error.message, code: error.code }, 'an idle PostgreSQL connection failed; it is discarded');
  });
  return pool;
}

function definedOnly(options: Partial<PoolLimits>): Partial<PoolLimits> {
  const result: Partial<PoolLimits> = {};
  for (const key of ['poolSizeMax', 'connectionTimeoutMs', 'statementTimeoutMs', 'idleTimeoutMs'] as const) {
    if (options[key] !== undefined) result[key] = options[key];
  }
  return result;
}

/**
 * Runs `fn` inside BEGIN/COMMIT on one connection; rolls back and rethrows if it throws.
 * A connection whose ROLLBACK failed is broken (the server went away mid-transaction), so it
 * is destroyed rather than returned to the pool.
 */
export async function withTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  return inTransaction(pool, 'BEGIN', fn);
}

/**
 * Runs `fn` in ONE read-only repeatable-read snapshot: every read sees the same committed state,
 * so facts that commit together (a ledger state and its positions, an inbox mark and the lines it
 * wrote, the supply's totals) are never read from two different instants.
 */
export async function withSnapshot<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  return inTransaction(pool, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', fn);
}

async function inTransaction<T>(pool: Pool, begin: string, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(begin);
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      broken = rollbackError as Error;
    }
    throw error;
  } finally {
    client.release(broken);
  }
}

/** Seconds a client is asked to wait before retrying when the database cannot take its request. */
export const databaseBusyRetryAfterSeconds = 1;

/**
 * True for the errors that mean "the database cannot serve this request now", not "this request
 * is wrong": no pool connection within the pool's timeout (overload), the server refusing or
 * dropping connections, or shutting down. HTTP layers answer these with 503 and Retry-After; the
 * request had no effect (its transaction never committed), so a retry with the same id is safe.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === '57P01' || code === '57P03' || code === '53300') return true;
  return /^timeout exceeded when trying to connect$|^Connection terminated/.test(error.message);
}
