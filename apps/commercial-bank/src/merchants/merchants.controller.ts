import { Body, Controller, Get, HttpCode, Inject, Param, Post, UseFilters, UseGuards } from '@nestjs/common';
import { ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { createPaymentRequestRequestV1, id, registerMerchantRequestV1, type MerchantV1, type PaymentRequestViewV1 } from '@cbdc/contracts';
import { StaffApiKeyGuard } from '../auth/staff-api-key.guard';
import { parseInput } from '../http/api-error';
import { ApiErrorDto } from '../http/api-dtos';
import { ApiExceptionFilter } from '../http/api-exception.filter';
import { MerchantsService } from './merchants.service';

const walletPathId = id(64);
const requestPathId = id(64);

/**
 * Staff API for merchants: make a wallet a merchant's (webhook URL and secret), create payment
 * requests rendered as `cbdc:pay?...` URIs, and follow a request until it is paid and notified.
 */
@ApiTags('merchants')
@ApiSecurity('x-api-key')
@UseGuards(StaffApiKeyGuard)
@UseFilters(ApiExceptionFilter)
@Controller('v1/merchants')
export class MerchantsController {
  constructor(@Inject(MerchantsService) private readonly merchants: MerchantsService) {}

  @Post(':walletId')
  @HttpCode(201)
  @ApiResponse({ status: 201, description: 'The merchant, with its webhook secret (answered only here)' })
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'UNKNOWN_WALLET' })
  @ApiResponse({ status: 409, type: ApiErrorDto, description: 'WALLET_NOT_OPEN' })
  register(@Param('walletId') walletId: string, @Body() body: unknown): Promise<MerchantV1> {
    return this.merchants.register(parseInput(walletPathId, walletId), parseInput(registerMerchantRequestV1, body));
  }

  @Get(':walletId')
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'UNKNOWN_MERCHANT' })
  get(@Param('walletId') walletId: string): Promise<MerchantV1> {
    return this.merchants.merchant(parseInput(walletPathId, walletId));
  }

  @Post(':walletId/payment-requests')
  @HttpCode(201)
  @ApiResponse({ status: 201, description: 'The request with its URI (for a QR code) and derived payment id' })
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'UNKNOWN_MERCHANT' })
  @ApiResponse({ status: 409, type: ApiErrorDto, description: 'IDEMPOTENCY_CONFLICT' })
  createRequest(@Param('walletId') walletId: string, @Body() body: unknown): Promise<PaymentRequestViewV1> {
    return this.merchants.createRequest(parseInput(walletPathId, walletId), parseInput(createPaymentRequestRequestV1, body));
  }

  @Get(':walletId/payment-requests/:requestId')
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'UNKNOWN_PAYMENT_REQUEST' })
  request(@Param('walletId') walletId: string, @Param('requestId') requestId: string): Promise<PaymentRequestViewV1> {
    return this.merchants.request(parseInput(requestPathId, requestId), parseInput(walletPathId, walletId));
  }
}
