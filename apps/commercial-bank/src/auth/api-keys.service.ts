import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { existsSync, readFileSync } from 'node:fs';
import type { Pool } from 'pg';
import { authenticateApiKey, createKeysAtFirstStart, LOGGER, PG_POOL, writeKeysFile, type ApiCaller as PlatformApiCaller, type Logger } from '@cbdc/platform';
import { COMMERCIAL_BANK_SETTINGS, OPERATOR_KEY } from '../commercial-bank.tokens';
import { apiKeysFileOf, type CommercialBankSettings } from '../commercial-bank.settings';
import type { OperatorKey } from '../keys/operator-key';
import { apiRoles, keysFileTarget, resolveKeysFile, type ApiRole, type BankApiKeysFile } from './api-key';

/** Serialises first-start key creation between processes sharing the database. */
const apiKeysLockKey = 7_100_201;

export type ApiCaller = PlatformApiCaller<ApiRole>;

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
    await createKeysAtFirstStart(this.pool, {
      lockKey: apiKeysLockKey,
      roles: apiRoles,
      publish: async (keys) => {
        const staff = keys.find((k) => k.role === 'staff')!;
        const content: BankApiKeysFile = {
          createdAt: new Date().toISOString(),
          operatorId: this.operatorKey.operatorId,
          operatorPublicKey: this.operatorKey.publicKeyHex,
          staff: { id: staff.id, key: staff.key },
        };
        const target = keysFileTarget(this.keysFile, existsSync(this.keysFile) ? readFileSync(this.keysFile, 'utf8') : null, this.operatorKey.publicKeyHex);
        if (target !== this.keysFile) this.logger.warn({ file: this.keysFile, target }, "the keys file holds another database's keys; writing beside it");
        writeKeysFile(target, JSON.stringify(content, null, 2));
        this.writtenTo = target;
        this.logger.info({ file: target, keys: keys.map((k) => k.id) }, 'API keys created at first start');
      },
    });
  }

  /** The caller a key belongs to, or null for an unknown or revoked key. */
  authenticate(key: string): Promise<ApiCaller | null> {
    return authenticateApiKey<ApiRole>(this.pool, key);
  }
}
