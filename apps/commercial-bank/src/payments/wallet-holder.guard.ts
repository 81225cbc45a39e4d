import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { walletAuthClockSkewMsMax, walletAuthHeaders, walletRequestPathBytesMax, walletRequestSigningPayload } from '@cbdc/contracts';
import { fromHex, verifyFast } from '@cbdc/crypto';
import { requestApiKey } from '../auth/api-key';
import { ApiKeysService, type ApiCaller } from '../auth/api-keys.service';
import { ApiError } from '../http/api-error';
import { WalletDirectory } from './wallet-directory';

export type RequestWithHolder = FastifyRequest & { apiCaller?: ApiCaller; walletHolder?: string };

const walletIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;
const timestampPattern = /^[0-9]{1,15}$/;
const signaturePattern = /^[0-9a-f]{128}$/;

/**
 * Customer reads (balance, history, a payment's status): either bank staff (a staff API key, as
 * the staff API takes it) or the wallet holder, who signs the request with the wallet's key:
 * `x-wallet-id`, `x-wallet-timestamp` (unix ms) and `x-wallet-signature`, Ed25519 over
 * `walletRequestSigningPayload(method, path and query, timestamp)` (libs/contracts). A timestamp
 * more than 5 minutes from the bank's clock is refused, so a captured signature is useless after
 * that; within it, it can only repeat the same read. The route then checks the holder is the
 * wallet it asks about (`request.walletHolder`).
 */
@Injectable()
export class WalletHolderGuard implements CanActivate {
  constructor(
    @Inject(ApiKeysService) private readonly keys: ApiKeysService,
    @Inject(WalletDirectory) private readonly wallets: WalletDirectory,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithHolder>();
    const headers = request.headers;
    if (headers['x-api-key'] !== undefined || headers.authorization !== undefined) {
      const key = requestApiKey(headers);
      const caller = key === null ? null : await this.keys.authenticate(key);
      if (!caller) throw new ApiError(401, 'UNAUTHORIZED', 'the API key is unknown or revoked');
      if (caller.role !== 'staff') throw new ApiError(403, 'FORBIDDEN', 'this route needs a staff key or the wallet holder');
      request.apiCaller = caller;
      return true;
    }
    const walletId = headers[walletAuthHeaders.walletId];
    const timestamp = headers[walletAuthHeaders.timestamp];
    const signature = headers[walletAuthHeaders.signature];
    if (typeof walletId !== 'string' || typeof timestamp !== 'string' || typeof signature !== 'string') {
      throw new ApiError(401, 'UNAUTHORIZED', 'sign the request with the wallet key (x-wallet-id, x-wallet-timestamp, x-wallet-signature) or use a staff API key');
    }
    if (!walletIdPattern.test(walletId) || !timestampPattern.test(timestamp) || !signaturePattern.test(signature) || Buffer.byteLength(request.url) > walletRequestPathBytesMax) {
      throw new ApiError(401, 'UNAUTHORIZED', 'the wallet signature headers are malformed');
    }
    if (Math.abs(Date.now() - Number(timestamp)) > walletAuthClockSkewMsMax) {
      throw new ApiError(401, 'STALE_SIGNATURE', `the signed timestamp is more than ${walletAuthClockSkewMsMax / 60_000} minutes from the bank's clock`);
    }
    let publicKey: Uint8Array;
    try {
      publicKey = (await this.wallets.openWallet(walletId)).publicKey;
    } catch (error) {
      if (error instanceof ApiError) throw new ApiError(401, 'UNAUTHORIZED', 'the signing wallet is not an open wallet of this bank');
      throw error;
    }
    if (!verifyFast(fromHex(signature), walletRequestSigningPayload(request.method, request.url, BigInt(timestamp)), publicKey)) {
      throw new ApiError(401, 'UNAUTHORIZED', 'the wallet signature does not verify');
    }
    request.walletHolder = walletId;
    return true;
  }
}

/** Whether the caller may read this wallet: staff, or its holder. */
export function mayRead(request: RequestWithHolder, ...walletIds: string[]): boolean {
  if (request.apiCaller?.role === 'staff') return true;
  return request.walletHolder !== undefined && walletIds.includes(request.walletHolder);
}
