import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, UseFilters, UseGuards } from '@nestjs/common';
import { ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  id,
  inPersonVerificationRequestV1,
  walletDowngradeSweepRequestV1,
  walletUpgradeRequestV1,
  type WalletClassChangeViewV1,
} from '@cbdc/contracts';
import { StaffApiKeyGuard, type RequestWithCaller } from '../auth/staff-api-key.guard';
import { parseInput } from '../http/api-error';
import { ApiErrorDto } from '../http/api-dtos';
import { ApiExceptionFilter } from '../http/api-exception.filter';
import { WalletClassesService } from './wallet-classes.service';

const walletPathId = id(64);
const changePathId = id(64);

/**
 * Staff API for wallet classes: upgrades to class 3 or 2, class 1 after verification in person
 * (the staff key is recorded), and the downgrade of wallets whose identity document expired.
 * Each answers 202: the class changes when the central ledger accepts the change.
 */
@ApiTags('wallet classes')
@ApiSecurity('x-api-key')
@UseGuards(StaffApiKeyGuard)
@UseFilters(ApiExceptionFilter)
@Controller('v1')
export class WalletClassesController {
  constructor(@Inject(WalletClassesService) private readonly classes: WalletClassesService) {}

  @Post('wallets/:walletId/class-changes')
  @HttpCode(202)
  @ApiResponse({ status: 202, description: 'Pending until the central ledger accepts it' })
  @ApiResponse({ status: 403, type: ApiErrorDto, description: 'IN_PERSON_VERIFICATION_REQUIRED (class 1)' })
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'UNKNOWN_WALLET' })
  @ApiResponse({ status: 409, type: ApiErrorDto, description: 'WALLET_NOT_OPEN, CLASS_CHANGE_PENDING, IDEMPOTENCY_CONFLICT' })
  @ApiResponse({ status: 422, type: ApiErrorDto, description: 'KYC_INSUFFICIENT, NOT_AN_UPGRADE, DOCUMENT_EXPIRED' })
  upgrade(@Param('walletId') walletId: string, @Body() body: unknown): Promise<WalletClassChangeViewV1> {
    return this.classes.upgrade(parseInput(walletPathId, walletId), parseInput(walletUpgradeRequestV1, body), null);
  }

  @Post('wallets/:walletId/in-person-verifications')
  @HttpCode(202)
  @ApiResponse({ status: 202, description: 'Class 1, pending until the central ledger accepts it' })
  @ApiResponse({ status: 422, type: ApiErrorDto, description: 'KYC_INSUFFICIENT, NOT_AN_UPGRADE, DOCUMENT_EXPIRED' })
  verifyInPerson(@Param('walletId') walletId: string, @Body() body: unknown, @Req() request: RequestWithCaller): Promise<WalletClassChangeViewV1> {
    const verification = parseInput(inPersonVerificationRequestV1, body);
    return this.classes.upgrade(parseInput(walletPathId, walletId), { ...verification, walletClass: 1 }, `staff:${request.apiCaller?.keyId ?? 'unknown'}`);
  }

  @Get('wallets/:walletId/class-changes/:changeId')
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'UNKNOWN_CLASS_CHANGE' })
  change(@Param('walletId') walletId: string, @Param('changeId') changeId: string): Promise<WalletClassChangeViewV1> {
    return this.classes.change(parseInput(changePathId, changeId), parseInput(walletPathId, walletId));
  }

  @Post('wallet-class-downgrades')
  @HttpCode(200)
  @ApiResponse({ status: 200, description: 'The downgrades made now (the daily job does the same)' })
  async downgrade(@Body() body: unknown): Promise<{ changes: WalletClassChangeViewV1[] }> {
    return { changes: await this.classes.downgradeExpired(parseInput(walletDowngradeSweepRequestV1, body).asOf) };
  }
}
