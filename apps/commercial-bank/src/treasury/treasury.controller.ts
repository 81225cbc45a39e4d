import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, UseFilters, UseGuards } from '@nestjs/common';
import { ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { id, treasuryOrderRequestV1, type TreasuryRequestViewV1, type TreasuryViewV1 } from '@cbdc/contracts';
import { StaffApiKeyGuard, type RequestWithCaller } from '../auth/staff-api-key.guard';
import { parseInput } from '../http/api-error';
import { ApiErrorDto } from '../http/api-dtos';
import { ApiExceptionFilter } from '../http/api-exception.filter';
import { TreasuryService } from './treasury.service';

const requestPathId = id(128);

/** Staff API of the treasury: the vault as the bank knows it, the watermarks, and explicit issue or recall requests. */
@ApiTags('treasury')
@ApiSecurity('x-api-key')
@UseGuards(StaffApiKeyGuard)
@UseFilters(ApiExceptionFilter)
@Controller('v1/treasury')
export class TreasuryController {
  constructor(@Inject(TreasuryService) private readonly treasury: TreasuryService) {}

  @Get()
  view(): Promise<TreasuryViewV1> {
    return this.treasury.view();
  }

  @Post('issue')
  @HttpCode(202)
  @ApiResponse({ status: 202, description: 'Sent to the central bank; poll GET /v1/treasury/requests/:requestId' })
  @ApiResponse({ status: 409, type: ApiErrorDto, description: 'TREASURY_REQUEST_IN_FLIGHT, IDEMPOTENCY_CONFLICT' })
  issue(@Body() body: unknown, @Req() request: RequestWithCaller): Promise<TreasuryRequestViewV1> {
    return this.treasury.order('issue', parseInput(treasuryOrderRequestV1, body), `staff:${request.apiCaller?.keyId ?? 'unknown'}`);
  }

  @Post('recall')
  @HttpCode(202)
  @ApiResponse({ status: 202, description: 'Sent to the central bank; poll GET /v1/treasury/requests/:requestId' })
  @ApiResponse({ status: 409, type: ApiErrorDto, description: 'TREASURY_REQUEST_IN_FLIGHT, IDEMPOTENCY_CONFLICT' })
  recall(@Body() body: unknown, @Req() request: RequestWithCaller): Promise<TreasuryRequestViewV1> {
    return this.treasury.order('recall', parseInput(treasuryOrderRequestV1, body), `staff:${request.apiCaller?.keyId ?? 'unknown'}`);
  }

  @Get('requests/:requestId')
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'UNKNOWN_TREASURY_REQUEST' })
  request(@Param('requestId') requestId: string): Promise<TreasuryRequestViewV1> {
    return this.treasury.requestView(parseInput(requestPathId, requestId));
  }
}
