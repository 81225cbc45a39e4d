import { Body, Controller, Get, Headers, Inject, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { id, paymentIdLengthMax, paymentRequestBodyV1, type PaymentV1Answer } from '@cbdc/contracts';
import { ApiError, parseInput } from '../http/api-error';
import { ApiErrorDto } from '../http/api-dtos';
import { ApiExceptionFilter } from '../http/api-exception.filter';
import { PaymentDto, PaymentRequestDto } from './payments-api.dtos';
import { PaymentsService, unknownPayment, type PaymentReply } from './payments.service';
import { mayRead, WalletHolderGuard, type RequestWithHolder } from './wallet-holder.guard';

const paymentPathId = id(paymentIdLengthMax);
const respondAsyncPattern = /(^|[\s,;])respond-async($|[\s,;])/i;

/**
 * Payments by this bank's wallet holders. POST needs no API key: the payer wallet's signature
 * over the instruction is the authentication. GET of a payment: its payer or payee (signed), or staff.
 */
@ApiTags('payments')
@UseFilters(ApiExceptionFilter)
@Controller('v1/payments')
export class PaymentsController {
  constructor(@Inject(PaymentsService) private readonly payments: PaymentsService) {}

  @Post()
  @ApiBody({ type: PaymentRequestDto })
  @ApiHeader({ name: 'prefer', required: false, description: '`respond-async`: answer 202 at once and poll the Location' })
  @ApiResponse({ status: 200, type: PaymentDto, description: 'settled on the central ledger' })
  @ApiResponse({ status: 202, type: PaymentDto, description: 'pending: asked for async, or no decision in time; poll Location' })
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'UNKNOWN_WALLET (the payer is not at this bank)' })
  @ApiResponse({ status: 409, type: ApiErrorDto, description: 'WALLET_NOT_OPEN, IDEMPOTENCY_CONFLICT' })
  @ApiResponse({ status: 422, type: PaymentDto, description: 'rejected with the ledger code (INSUFFICIENT_FUNDS, CLASS_LIMIT_*, COUNTER_NOT_FORWARD, ...), or BAD_SIGNATURE, PAYMENT_REQUEST_EXPIRED, PAYMENT_REQUEST_MISMATCH' })
  @ApiResponse({ status: 429, type: ApiErrorDto, description: 'RATE_LIMITED, with Retry-After' })
  async pay(@Body() body: unknown, @Headers('prefer') prefer: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Promise<PaymentV1Answer> {
    const payment = parseInput(paymentRequestBodyV1, body);
    const respondAsync = respondAsyncPattern.test(prefer ?? '');
    if (respondAsync) void reply.header('preference-applied', 'respond-async');
    try {
      return send(reply, await this.payments.pay(payment, respondAsync));
    } catch (error) {
      if (error instanceof ApiError && error.code === 'RATE_LIMITED') void reply.header('retry-after', String(error.details.retryAfterSeconds));
      throw error;
    }
  }

  @Get(':paymentId')
  @UseGuards(WalletHolderGuard)
  @ApiResponse({ status: 200, type: PaymentDto })
  @ApiResponse({ status: 401, type: ApiErrorDto, description: 'UNAUTHORIZED: sign with the payer or payee wallet, or use a staff key' })
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'UNKNOWN_PAYMENT' })
  async status(@Param('paymentId') paymentId: string, @Req() request: RequestWithHolder): Promise<PaymentV1Answer> {
    const found = await this.payments.status(parseInput(paymentPathId, paymentId));
    // Another holder learns nothing, not even that the payment exists.
    if (!mayRead(request, found.payerWalletId, found.payeeWalletId)) throw unknownPayment(paymentId);
    return found.reply.body;
  }
}

function send(reply: FastifyReply, answer: PaymentReply): PaymentV1Answer {
  void reply.status(answer.httpStatus);
  if (answer.location !== undefined) void reply.header('location', answer.location);
  return answer.body;
}
