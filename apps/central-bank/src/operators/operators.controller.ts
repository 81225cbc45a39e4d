import { Body, Controller, Get, Inject, Param, Post } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { OperatorViewV1, ReserveCreditViewV1 } from '@cbdc/contracts';
import { ApiGuarded, ApiStaffOnly } from '../http/api-docs';
import { OperatorDto, OperatorListDto, RegisterOperatorDto, ReserveCreditDto, ReserveCreditRequestDto } from '../http/api-dtos';
import { OperatorsService } from './operators.service';

@ApiTags('operators')
@Controller('v1/operators')
export class OperatorsController {
  constructor(@Inject(OperatorsService) private readonly operators: OperatorsService) {}

  @Post()
  @ApiOperation({ summary: 'Registers an operator on the ledger (a ledger.register-operator command) and creates its events topic' })
  @ApiBody({ type: RegisterOperatorDto })
  @ApiCreatedResponse({ type: OperatorDto })
  @ApiStaffOnly(400, 409, 422, 504)
  register(@Body() body: unknown): Promise<OperatorViewV1> {
    return this.operators.register(body);
  }

  @Get()
  @ApiOperation({ summary: 'Every operator with its reserve, vault, wallets and books' })
  @ApiOkResponse({ type: OperatorListDto })
  @ApiGuarded()
  list(): Promise<{ operators: OperatorViewV1[] }> {
    return this.operators.list();
  }

  @Get(':operatorId')
  @ApiOperation({ summary: 'One operator with its reserve, vault, wallets and books' })
  @ApiOkResponse({ type: OperatorDto })
  @ApiGuarded(404)
  get(@Param('operatorId') operatorId: string): Promise<OperatorViewV1> {
    return this.operators.get(operatorId);
  }

  @Post(':operatorId/reserve-credits')
  @ApiOperation({ summary: "Credits the operator's reserve account (RTGS-style); idempotent on creditId" })
  @ApiBody({ type: ReserveCreditRequestDto })
  @ApiCreatedResponse({ type: ReserveCreditDto })
  @ApiStaffOnly(400, 404, 409, 422, 504)
  creditReserve(@Param('operatorId') operatorId: string, @Body() body: unknown): Promise<ReserveCreditViewV1> {
    return this.operators.creditReserve(operatorId, body);
  }
}
