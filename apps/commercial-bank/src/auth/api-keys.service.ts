import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Pool } from 'pg';
import { LOGGER, PG_POOL, withTransaction, type Logger } from '@cbdc/platform';
import { COMMERCIAL_BANK_SETTINGS, OPERATOR_KEY } from '../commercial-bank.tokens';
import { apiKeysFileOf, type CommercialBankSettings } from '../commercial-bank.settings';
import type { OperatorKey } from '../keys/operator-key';
import { apiKeyHash, apiRoles, issueApiKey, keysFileTarget, resolveKeysFile, type ApiRole, type BankApiKeysFile } from './api-key';

/** Serialises first-start key creation between processes sharing the database. */
const apiKeysLockKey = 7_100_201;

export interface ApiCaller {
  readonly keyId: string;
  readonly role: ApiRole;
}

/**
 * The staff API keys: made at first start when the database has none, their plaintext written to
 * the keys file (`API_KEYS_FILE`) with mode 0600 for the demo and the tests, only their hashes kept.
 */
@Injectable()
export class ApiKeysService implements OnModuleInit {
  readonly keysFile: string;
  /** Where this start wrote new keys (differs from keysFile when that held another database's keys). */
  writtenTo: string | null = null;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(OPERATOR_KEY) private readonly operatorKey: OperatorKey,
    @Inject(COMMERCIAL_BANK_SETTINGS) settings: CommercialBankSettings,
  ) {
    this.keysFile = resolveKeysFile(apiKeysFileOf(settings), __dirname);
  }

  async onModuleInit(): Promise<void> {
    await withTransaction(this.pool, async (client) => {
      await client.query('select pg_advisory_xact_lock($1)', [apiKeysLockKey]);
      const existing = await client.query<{ n: string }>('select count(*) as n from api_keys');
      if (existing.rows[0]!.n !== '0') return;
      const keys = apiRoles.map((role) => issueApiKey(role));
      for (const key of keys) await client.query('insert into api_keys (id, role, key_sha256) values ($1, $2, $3)', [key.id, key.role, key.sha256]);
      const staff = keys.find((k) => k.role === 'staff')!;
      const content: BankApiKeysFile = {
        createdAt: new Date().toISOString(),
        operatorId: this.operatorKey.operatorId,
        operatorPublicKey: this.operatorKey.publicKeyHex,
        staff: { id: staff.id, key: staff.key },
      };
      // Written before the commit: if writing fails, no key exists that nobody can read, and the
      // next start tries again.
      const target = keysFileTarget(this.keysFile, existsSync(this.keysFile) ? readFileSync(this.keysFile, 'utf8') : null, this.operatorKey.publicKeyHex);
      if (target !== this.keysFile) this.logger.warn({ file: this.keysFile, target }, "the keys file holds another database's keys; writing beside it");
      writeKeysFile(target, JSON.stringify(content, null, 2));
      this.writtenTo = target;
      this.logger.info({ file: target, keys: keys.map((k) => k.id) }, 'API keys created at first start');
    });
  }

  /** The caller a key belongs to, or null for an unknown or revoked key. */
  async authenticate(key: string): Promise<ApiCaller | null> {
    const result = await this.pool.query<{ id: string; role: ApiRole }>('select id, role from api_keys where key_sha256 = $1 and revoked_at is null', [apiKeyHash(key)]);
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
