import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { existsSync, readFileSync } from 'node:fs';
import type { Pool } from 'pg';
import { authenticateApiKey, createKeysAtFirstStart, LOGGER, PG_POOL, writeKeysFile, type ApiCaller as PlatformApiCaller, type Logger } from '@cbdc/platform';
import { CENTRAL_BANK_KEY, CENTRAL_BANK_SETTINGS } from '../central-bank.tokens';
import { apiKeysFileOf, type CentralBankSettings } from '../central-bank.settings';
import type { CentralBankKey } from '../keys/central-bank-key';
import { apiKeysFileContent, apiRoles, keysFileOwner, keysFileTarget, resolveKeysFile, type ApiRole } from './api-key';

/** Serialises first-start key creation between processes sharing the database. */
const apiKeysLockKey = 7_100_101;

export type ApiCaller = PlatformApiCaller<ApiRole>;

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
    await createKeysAtFirstStart(this.pool, {
      lockKey: apiKeysLockKey,
      roles: apiRoles,
      publish: async (keys, client) => {
        const database = (await client.query<{ name: string }>('select current_database() as name')).rows[0]!.name;
        const me = { centralBankPublicKey: this.centralBankKey.publicKeyHex, database };
        const existing = existsSync(this.keysFile) ? keysFileOwner(readFileSync(this.keysFile, 'utf8')) : null;
        const existingLive = existing !== null && (await client.query('select 1 from pg_database where datname = $1', [existing.database])).rows.length > 0;
        const target = keysFileTarget(this.keysFile, existing, me, existingLive);
        if (target !== this.keysFile) this.logger.warn({ file: this.keysFile, owner: existing?.database, target }, "the keys file holds another live central bank's keys; writing beside it");
        writeKeysFile(target, JSON.stringify(apiKeysFileContent(keys, new Date(), me), null, 2));
        this.logger.info({ file: target, keys: keys.map((k) => k.id) }, 'API keys created at first start');
      },
    });
  }

  /** The caller a key belongs to, or null for an unknown or revoked key. */
  authenticate(key: string): Promise<ApiCaller | null> {
    return authenticateApiKey<ApiRole>(this.pool, key);
  }
}
