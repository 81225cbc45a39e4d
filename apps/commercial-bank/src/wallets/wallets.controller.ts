import { Body, Controller, Get, HttpCode, Inject, Param, Post, UseFilters, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiOkResponse, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { id, loadRequestV1, openWalletRequestV1, unloadRequestV1, type LedgerRequestV1, type WalletV1 } from '@cbdc/contracts';
import { StaffApiKeyGuard } from '../auth/staff-api-key.guard';
import { parseInput } from '../http/api-error';
import { ApiErrorDto, LedgerRequestDto, LoadRequestDto, OpenWalletDto, UnloadRequestDto, WalletDto } from '../http/api-dtos';
import { ApiExceptionFilter } from '../http/api-exception.filter';
import { WalletsService } from './wallets.service';

const pathId = id(64);
const walletPathId = id(64);

/**
 * Staff API: wallets, loads and unloads. Each write answers 202 once its command is in the
 * outbox; the ledger's decision arrives later (poll the wallet or the load).
 */
@ApiTags('wallets')
@ApiSecurity('x-api-key')
@UseGuards(StaffApiKeyGuard)
@UseFilters(ApiExceptionFilter)
@Controller('v1/wallets')
export class WalletsController {
  constructor(@Inject(WalletsService) private readonly wallets: WalletsService) {}

  @Post()
  @HttpCode(202)
  @ApiBody({ type: OpenWalletDto })
  @ApiAcceptedResponse({ type: WalletDto, description: 'pending until the central ledger registers it' })
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'UNKNOWN_CUSTOMER' })
  @ApiResponse({ status: 409, type: ApiErrorDto, description: 'WALLET_EXISTS, IDEMPOTENCY_CONFLICT' })
  @ApiResponse({ status: 422, type: ApiErrorDto, description: 'KYC_INSUFFICIENT' })
  open(@Body() body: unknown): Promise<WalletV1> {
    return this.wallets.open(parseInput(openWalletRequestV1, body));
  }

  @Get(':walletId')
  @ApiOkResponse({ type: WalletDto })
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'UNKNOWN_WALLET' })
  get(@Param('walletId') walletId: string): Promise<WalletV1> {
    return this.wallets.get(parseInput(walletPathId, walletId));
  }

  @Post(':walletId/loads')
  @HttpCode(202)
  @ApiBody({ type: LoadRequestDto })
  @ApiAcceptedResponse({ type: LedgerRequestDto, description: 'The deposit is debited now; a rejection by the ledger reverses it' })
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'UNKNOWN_WALLET' })
  @ApiResponse({ status: 409, type: ApiErrorDto, description: 'WALLET_NOT_OPEN, IDEMPOTENCY_CONFLICT' })
  @ApiResponse({ status: 422, type: ApiErrorDto, description: 'INSUFFICIENT_DEPOSIT' })
  load(@Param('walletId') walletId: string, @Body() body: unknown): Promise<LedgerRequestV1> {
    return this.wallets.load(parseInput(walletPathId, walletId), parseInput(loadRequestV1, body));
  }

  @Get(':walletId/loads/:loadId')
  @ApiOkResponse({ type: LedgerRequestDto })
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'UNKNOWN_LOAD' })
  loadStatus(@Param('walletId') walletId: string, @Param('loadId') loadId: string): Promise<LedgerRequestV1> {
    return this.wallets.request('load', parseInput(pathId, loadId), parseInput(walletPathId, walletId));
  }

  @Post(':walletId/unloads')
  @HttpCode(202)
  @ApiBody({ type: UnloadRequestDto })
  @ApiAcceptedResponse({ type: LedgerRequestDto, description: "The deposit is credited when the ledger accepts the holder's unload" })
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'UNKNOWN_WALLET' })
  @ApiResponse({ status: 409, type: ApiErrorDto, description: 'WALLET_NOT_OPEN, IDEMPOTENCY_CONFLICT' })
  @ApiResponse({ status: 422, type: ApiErrorDto, description: 'BAD_SIGNATURE, INSUFFICIENT_DC' })
  unload(@Param('walletId') walletId: string, @Body() body: unknown): Promise<LedgerRequestV1> {
    return this.wallets.unload(parseInput(walletPathId, walletId), parseInput(unloadRequestV1, body));
  }

  @Get(':walletId/unloads/:unloadId')
  @ApiOkResponse({ type: LedgerRequestDto })
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'UNKNOWN_UNLOAD' })
  unloadStatus(@Param('walletId') walletId: string, @Param('unloadId') unloadId: string): Promise<LedgerRequestV1> {
    return this.wallets.request('unload', parseInput(pathId, unloadId), parseInput(walletPathId, walletId));
  }
}
