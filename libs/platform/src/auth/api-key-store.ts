/**
 * The `api_keys` table every app with keys has (id, role, key_sha256, revoked_at): keys are made
 * at first start when the table is empty, and a request's key is looked up by its hash.
 */
import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '../database/pool';
import { apiKeyHash, issueApiKey, type IssuedApiKey } from './api-key';

export interface ApiCaller<Role extends string = string> {
  readonly keyId: string;
  readonly role: Role;
}

export interface FirstStartKeys<Role extends string> {
  /** Serialises first-start key creation between processes sharing the database. */
  readonly lockKey: number;
  /** One key is made per role. */
  readonly roles: readonly Role[];
  /**
   * Writes the plaintext keys where the demo and the tests read them. It runs before the commit:
   * if writing fails, no key exists that nobody can read, and the next start tries again.
   */
  readonly publish: (keys: ReadonlyArray<IssuedApiKey<Role>>, client: PoolClient) => Promise<void>;
}

/** Makes one key per role when the database has none; the keys made, or null when some existed. */
export async function createKeysAtFirstStart<Role extends string>(pool: Pool, options: FirstStartKeys<Role>): Promise<ReadonlyArray<IssuedApiKey<Role>> | null> {
  return withTransaction(pool, async (client) => {
    await client.query('select pg_advisory_xact_lock($1)', [options.lockKey]);
    const stored = await client.query<{ n: string }>('select count(*) as n from api_keys');
    if (stored.rows[0]!.n !== '0') return null;
    const keys = options.roles.map((role) => issueApiKey(role));
    for (const key of keys) {
      await client.query('insert into api_keys (id, role, key_sha256) values ($1, $2, $3)', [key.id, key.role, key.sha256]);
    }
    await options.publish(keys, client);
    return keys;
  });
}

/** The caller a key belongs to, or null for an unknown or revoked key. */
export async function authenticateApiKey<Role extends string>(pool: Pool, key: string): Promise<ApiCaller<Role> | null> {
  const result = await pool.query<{ id: string; role: Role }>('select id, role from api_keys where key_sha256 = $1 and revoked_at is null', [apiKeyHash(key)]);
  const row = result.rows[0];
  return row ? { keyId: row.id, role: row.role } : null;
}
