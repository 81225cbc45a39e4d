import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Pool } from 'pg';
import { LOGGER, PG_POOL, withTransaction, type Logger } from '@cbdc/platform';
import { CENTRAL_BANK_KEY, CENTRAL_BANK_SETTINGS } from '../central-bank.tokens';
import { apiKeysFileOf, type CentralBankSettings } from '../central-bank.settings';
import type { CentralBankKey } from '../keys/central-bank-key';
import { apiKeyHash, apiKeysFileContent, apiRoles, issueApiKey, keysFileOwner, keysFileTarget, resolveKeysFile, type ApiRole } from './api-key';

/** Serialises first-start key creation between processes sharing the database. */
const apiKeysLockKey = 7_100_101;

export interface ApiCaller {
  readonly keyId: string;
  readonly role: ApiRole;
}

/**
 * The API keys: made at first start when the database has none (one per role), their plaintext
 * written to the keys file (settings `API_KEYS_FILE`) with mode 0600 for the demo and the tests,
 * only their hashes kept.
 */
@Injectable()
export class ApiKeysService implements OnModuleInit {
  /** The configured keys file; where new keys were written may differ (see keysFileTarget). */
  readonly keysFile: string;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CENTRAL_BANK_KEY) private readonly centralBankKey: CentralBankKey,
    @Inject(CENTRAL_BANK_SETTINGS) settings: CentralBankSettings,
  ) {
    this.keysFile = resolveKeysFile(apiKeysFileOf(settings), __dirname);
  }

  async onModuleInit(): Promise<void> {
    await withTransaction(this.pool, async (client) => {
      await client.query('select pg_advisory_xact_lock($1)', [apiKeysLockKey]);
      const stored = await client.query<{ n: string }>('select count(*) as n from api_keys');
      if (stored.rows[0]!.n !== '0') return;
      const keys = apiRoles.map((role) => issueApiKey(role));
      for (const key of keys) {
        await client.query('insert into api_keys (id, role, key_sha256) values ($1, $2, $3)', [key.id, key.role, key.sha256]);
      }
      // Written before the commit: if writing fails, no key exists that nobody can read, and the
      // next start tries again.
      const database = (await client.query<{ name: string }>('select current_database() as name')).rows[0]!.name;
      const me = { centralBankPublicKey: this.centralBankKey.publicKeyHex, database };
      const existing = existsSync(this.keysFile) ? keysFileOwner(readFileSync(this.keysFile, 'utf8')) : null;
      const existingLive = existing !== null && (await client.query('select 1 from pg_database where datname = $1', [existing.database])).rows.length > 0;
      const target = keysFileTarget(this.keysFile, existing, me, existingLive);
      if (target !== this.keysFile) this.logger.warn({ file: this.keysFile, owner: existing?.database, target }, "the keys file holds another live central bank's keys; writing beside it");
      writeKeysFile(target, JSON.stringify(apiKeysFileContent(keys, new Date(), me), null, 2));
      this.logger.info({ file: target, keys: keys.map((k) => k.id) }, 'API keys created at first start');
    });
  }

  /** The caller a key belongs to, or null for an unknown or revoked key. */
  async authenticate(key: string): Promise<ApiCaller | null> {
    const result = await this.pool.query<{ id: string; role: ApiRole }>('select id, role from api_keys where key_sha256 = $1 and revoked_at is null', [
      apiKeyHash(key),
    ]);
    const row = result.rows[0];
    return row ? { keyId: row.id, role: row.role } : null;
  }

}

/** Written whole or not at all (rename), readable by the owner only. */
function writeKeysFile(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${text}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}
