import { Controller, Get, Inject, Param, Query, Req, UseFilters, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Pool } from 'pg';
import { id, walletHistoryEntriesMax, type WalletBalanceV1, type WalletHistoryEntryV1, type WalletHistoryV1 } from '@cbdc/contracts';
import { PG_POOL } from '@cbdc/platform';
import { ApiError, parseInput } from '../http/api-error';
import { ApiErrorDto } from '../http/api-dtos';
import { ApiExceptionFilter } from '../http/api-exception.filter';
import { WalletBalanceDto, WalletHistoryDto } from './payments-api.dtos';
import { mayRead, WalletHolderGuard, type RequestWithHolder } from './wallet-holder.guard';

const walletPathId = id(64);

/**
 * A wallet holder's own reads, signed with the wallet key (or by staff): the balance and the
 * history, payments out included. Under `v1/holder/wallets` so they never clash with the staff
 * routes of `v1/wallets`, and so a gateway can tell the two audiences apart by prefix.
 */
@ApiTags('holder')
@ApiHeader({ name: 'x-wallet-id', required: false, description: 'The signing wallet (or use a staff API key instead)' })
@ApiHeader({ name: 'x-wallet-timestamp', required: false, description: 'Unix time in ms; refused beyond 5 minutes from the bank clock' })
@ApiHeader({ name: 'x-wallet-signature', required: false, description: 'Ed25519 hex over walletRequestSigningPayload(method, path and query, timestamp)' })
@UseGuards(WalletHolderGuard)
@UseFilters(ApiExceptionFilter)
@Controller('v1/holder/wallets')
export class HolderWalletsController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Get(':walletId/balance')
  @ApiOkResponse({ type: WalletBalanceDto })
  @ApiResponse({ status: 401, type: ApiErrorDto, description: 'UNAUTHORIZED, STALE_SIGNATURE' })
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'UNKNOWN_WALLET' })
  async balance(@Param('walletId') walletId: string, @Req() request: RequestWithHolder): Promise<WalletBalanceV1> {
    const wallet = await this.wallet(parseInput(walletPathId, walletId), request);
    return { walletId, walletClass: wallet.wallet_class, status: wallet.status, balance: wallet.balance };
  }

  @Get(':walletId/history')
  @ApiQuery({ name: 'limit', required: false, description: `newest first, at most ${walletHistoryEntriesMax}` })
  @ApiOkResponse({ type: WalletHistoryDto })
  @ApiResponse({ status: 401, type: ApiErrorDto, description: 'UNAUTHORIZED, STALE_SIGNATURE' })
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'UNKNOWN_WALLET' })
  async history(@Param('walletId') walletId: string, @Query('limit') limitText: string | undefined, @Req() request: RequestWithHolder): Promise<WalletHistoryV1> {
    const wallet = await this.wallet(parseInput(walletPathId, walletId), request);
    const limit = limitText === undefined ? walletHistoryEntriesMax : Number(limitText);
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > walletHistoryEntriesMax) {
      throw new ApiError(400, 'VALIDATION_FAILED', `limit must be a whole number in 1..${walletHistoryEntriesMax}`, { field: 'limit' });
    }
    const rows = await this.pool.query<{ kind: WalletHistoryEntryV1['kind']; reference: string; amount: string; sequence: string | null; counterparty: string | null; created_at: Date }>(
      'select kind, reference, amount, sequence, counterparty, created_at from wallet_history where wallet_id = $1 order by id desc limit $2',
      [walletId, limit],
    );
    return {
      walletId,
      balance: wallet.balance,
      entries: rows.rows.map((row) => ({ kind: row.kind, reference: row.reference, amount: row.amount, sequence: row.sequence, counterparty: row.counterparty, at: row.created_at.toISOString() })),
    };
  }

  private async wallet(walletId: string, request: RequestWithHolder): Promise<{ wallet_class: number; status: string; balance: string }> {
    const unknown = new ApiError(404, 'UNKNOWN_WALLET', `wallet ${walletId} is not a wallet of this bank`);
    // A holder may read only its own wallet; another wallet looks unknown to it.
    if (!mayRead(request, walletId)) throw unknown;
    const result = await this.pool.query<{ wallet_class: number; status: string; balance: string }>('select wallet_class, status, balance from wallets where id = $1', [walletId]);
    if (!result.rows[0]) throw unknown;
    return result.rows[0];
  }
}
