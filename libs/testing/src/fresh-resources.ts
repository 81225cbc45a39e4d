import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { testStackEnv } from './stack-env';

/** A short random suffix that is safe in database, topic, queue and key names. */
export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

/** A topic name no other test run uses, e.g. `test.consumer-a.lq2x1c9f3e2a1b`. */
export function uniqueTopic(prefix: string): string {
  return `test.${prefix}.${uniqueSuffix()}`;
}

/** A BullMQ key prefix no other test run uses, so queues start empty. */
export function freshRedisPrefix(): string {
  return `test-${uniqueSuffix()}`;
}

export interface FreshDatabase {
  name: string;
  /** Connection URL of the new database, as the same user as DATABASE_ADMIN_URL. */
  url: string;
  /** Drops the database, closing any connection still open to it. */
  drop(): Promise<void>;
}

/**
 * Creates an empty database with a unique name (`<prefix>_<suffix>`) through DATABASE_ADMIN_URL.
 * Call `drop()` in `afterAll`.
 */
export async function freshDatabase(prefix: string): Promise<FreshDatabase> {
  const adminUrl = testStackEnv().DATABASE_ADMIN_URL;
  if (!/^[a-z][a-z0-9_]*$/.test(prefix)) throw new Error(`database prefix ${prefix} must be lower-case letters, digits and _`);
  const name = `${prefix}_${uniqueSuffix()}`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => dropDatabase(adminUrl, name),
  };
}

/** Attempts at dropping a test database while a background process is still in it. */
export const dropAttemptsMax = 10;
export const dropRetryDelayMs = 200;
/** How long a drop waits for sessions that are closing to leave before it terminates the rest. */
export const dropSessionsWaitMs = 2_000;
const dropSessionsPollMs = 20;

/**
 * `DROP DATABASE ... WITH (FORCE)` terminates the sessions still in the database, but it refuses
 * (42501, "must be a member of the role whose process is being terminated") when one of them is a
 * background process with no role of ours, such as an autovacuum worker that started on the test's
 * fresh tables. Such a worker ends within moments, so the drop is tried again; seen once in CI.
 */
async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  // node-pg's Pool.end() resolves once it has asked its clients to close, not once they are gone.
  // FORCE would terminate such a closing session, and its client then reports the termination
  // (57P01) as an error nobody listens for any more, which fails the test file after its tests
  // passed. So the drop first waits, briefly, for the test's own sessions to leave by themselves.
  await withAdmin(adminUrl, async (client) => {
    const deadline = Date.now() + dropSessionsWaitMs;
    for (;;) {
      const others = await client.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
      if (others.rows[0]!.n === 0 || Date.now() >= deadline) return;
      await new Promise((resolve) => setTimeout(resolve, dropSessionsPollMs));
    }
  });
  for (let attempt = 1; ; attempt++) {
    try {
      await withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '42501' || attempt >= dropAttemptsMax) throw error;
      await new Promise((resolve) => setTimeout(resolve, dropRetryDelayMs));
    }
  }
}

async function withAdmin<T>(adminUrl: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
