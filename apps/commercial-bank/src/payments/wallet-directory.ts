import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { named, PG_POOL } from '@cbdc/platform';
import { ApiError } from '../http/api-error';

/** An open wallet's public key is remembered this long; a wallet closed or reopened is seen after it. */
export const walletKeyCacheMs = 30_000;
/** Wallets remembered at most; the cache starts over when full (it is only a shortcut). */
export const walletKeyCacheEntriesMax = 100_000;

export interface WalletKey {
  readonly walletId: string;
  readonly publicKey: Uint8Array;
}

/**
 * The public keys of this bank's open wallets, for checking holders' signatures (payments and
 * signed reads) without a database round trip on every request. Only open wallets are cached; an
 * unknown wallet or one that is not open is looked up each time, so it is refused with the
 * current reason.
 */
@Injectable()
export class WalletDirectory {
  private readonly cache = new Map<string, { key: WalletKey; until: number }>();

  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** The key of one of this bank's open wallets; 404 UNKNOWN_WALLET or 409 WALLET_NOT_OPEN otherwise. */
  async openWallet(walletId: string, now: number = Date.now()): Promise<WalletKey> {
    const cached = this.cache.get(walletId);
    if (cached && cached.until > now) return cached.key;
    const result = await this.pool.query<{ public_key: Buffer; status: string }>(named('select public_key, status from wallets where id = $1', [walletId]));
    const row = result.rows[0];
    if (!row) throw new ApiError(404, 'UNKNOWN_WALLET', `wallet ${walletId} is not a wallet of this bank`);
    if (row.status !== 'open') throw new ApiError(409, 'WALLET_NOT_OPEN', `wallet ${walletId} is ${row.status}, not open`);
    const key = { walletId, publicKey: new Uint8Array(row.public_key) };
    if (this.cache.size >= walletKeyCacheEntriesMax) this.cache.clear();
    this.cache.set(walletId, { key, until: now + walletKeyCacheMs });
    return key;
  }
}
