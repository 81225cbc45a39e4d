import { Body, Controller, Get, Inject, Put } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { PolicyViewV1 } from '@cbdc/contracts';
import { Caller } from '../auth/api-key.guard';
import type { ApiCaller } from '../auth/api-keys.service';
import { ApiGuarded, ApiStaffOnly } from '../http/api-docs';
import { PolicyDto, PolicyUpdateDto } from '../http/api-dtos';
import { PolicyService } from './policy.service';

@ApiTags('policy')
@Controller('v1/policy')
export class PolicyController {
  constructor(@Inject(PolicyService) private readonly policy: PolicyService) {}

  @Get()
  @ApiOperation({ summary: 'The policy the ledger enforces: wallet-class limits and the large-value threshold' })
  @ApiOkResponse({ type: PolicyDto })
  @ApiGuarded()
  get(): PolicyViewV1 {
    return this.policy.view();
  }

  @Put()
  @ApiOperation({ summary: 'Replaces the policy (what the body leaves out takes its default); the ledger applies it from its next batch' })
  @ApiBody({ type: PolicyUpdateDto })
  @ApiOkResponse({ type: PolicyDto })
  @ApiStaffOnly(400)
  update(@Body() body: unknown, @Caller() caller: ApiCaller): Promise<PolicyViewV1> {
    return this.policy.update(body, caller.keyId);
  }
}
