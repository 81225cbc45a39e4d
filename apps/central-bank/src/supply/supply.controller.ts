import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { SupplyReportV1 } from '@cbdc/contracts';
import { ApiGuarded } from '../http/api-docs';
import { SupplyReportDto } from '../http/api-dtos';
import { SupplyService } from './supply.service';

@ApiTags('supply')
@Controller('v1/supply')
export class SupplyController {
  constructor(@Inject(SupplyService) private readonly supply: SupplyService) {}

  @Get()
  @ApiOperation({ summary: 'DC outstanding, issued and recalled, per operator, and each ledger invariant: ok, failed (with why) or pending' })
  @ApiOkResponse({ type: SupplyReportDto })
  @ApiGuarded()
  report(): Promise<SupplyReportV1> {
    return this.supply.report();
  }
}
