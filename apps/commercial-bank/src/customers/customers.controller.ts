import { Body, Controller, Get, HttpCode, Inject, Param, Post, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { depositRequestV1, id, openCustomerRequestV1, type CustomerV1, type DepositV1 } from '@cbdc/contracts';
import { StaffApiKeyGuard } from '../auth/staff-api-key.guard';
import { parseInput } from '../http/api-error';
import { ApiErrorDto, CustomerDto, DepositDto, DepositRequestDto, OpenCustomerDto } from '../http/api-dtos';
import { ApiExceptionFilter } from '../http/api-exception.filter';
import { CustomersService } from './customers.service';

const pathId = id(64);

/** Staff API: customers (KYC encrypted at rest) and their deposits. */
@ApiTags('customers')
@ApiSecurity('x-api-key')
@UseGuards(StaffApiKeyGuard)
@UseFilters(ApiExceptionFilter)
@Controller('v1/customers')
export class CustomersController {
  constructor(@Inject(CustomersService) private readonly customers: CustomersService) {}

  @Post()
  @ApiBody({ type: OpenCustomerDto })
  @ApiCreatedResponse({ type: CustomerDto })
  @ApiResponse({ status: 409, type: ApiErrorDto, description: 'CUSTOMER_EXISTS' })
  open(@Body() body: unknown): Promise<CustomerV1> {
    return this.customers.open(parseInput(openCustomerRequestV1, body));
  }

  @Post(':customerId/deposits')
  @HttpCode(200)
  @ApiBody({ type: DepositRequestDto })
  @ApiOkResponse({ type: DepositDto, description: 'Credited once per depositId; a repeat answers the same' })
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'UNKNOWN_CUSTOMER' })
  @ApiResponse({ status: 409, type: ApiErrorDto, description: 'IDEMPOTENCY_CONFLICT' })
  deposit(@Param('customerId') customerId: string, @Body() body: unknown): Promise<DepositV1> {
    return this.customers.deposit(parseInput(pathId, customerId), parseInput(depositRequestV1, body));
  }

  @Get(':customerId')
  @ApiOkResponse({ type: CustomerDto, description: 'KYC fields decrypted for staff' })
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'UNKNOWN_CUSTOMER' })
  get(@Param('customerId') customerId: string): Promise<CustomerV1> {
    return this.customers.get(parseInput(pathId, customerId));
  }
}
