import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { IssueRecallRequestViewV1 } from '@cbdc/contracts';
import { Caller } from '../auth/api-key.guard';
import type { ApiCaller } from '../auth/api-keys.service';
import { ApiGuarded, ApiStaffOnly } from '../http/api-docs';
import { IssueRecallRequestDto, IssueRecallRequestListDto, RejectRequestDto } from '../http/api-dtos';
import { IssueRecallService } from './issue-recall.service';

@ApiTags('issue and recall')
@Controller('v1/issue-recall-requests')
export class IssueRecallController {
  constructor(@Inject(IssueRecallService) private readonly requests: IssueRecallService) {}

  @Get()
  @ApiOperation({ summary: 'Issue and recall requests, newest first; ?status=pending-approval is the approval queue' })
  @ApiQuery({ name: 'status', required: false, enum: ['pending-approval', 'submitted', 'settled', 'rejected'] })
  @ApiQuery({ name: 'operatorId', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1..500, default 100' })
  @ApiOkResponse({ type: IssueRecallRequestListDto })
  @ApiGuarded(400)
  list(@Query() query: unknown): Promise<{ requests: IssueRecallRequestViewV1[] }> {
    return this.requests.list(query);
  }

  @Get(':requestId')
  @ApiOkResponse({ type: IssueRecallRequestDto })
  @ApiGuarded(404)
  get(@Param('requestId') requestId: string): Promise<IssueRecallRequestViewV1> {
    return this.requests.get(requestId);
  }

  @Post(':requestId/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approves a request above the automatic quota: the ledger decides it, and the operator is told' })
  @ApiOkResponse({ type: IssueRecallRequestDto, description: 'settled' })
  @ApiStaffOnly(404, 409, 422, 504)
  approve(@Param('requestId') requestId: string, @Caller() caller: ApiCaller): Promise<IssueRecallRequestViewV1> {
    return this.requests.approve(requestId, caller);
  }

  @Post(':requestId/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rejects a request above the automatic quota; the operator is told (REJECTED_BY_STAFF)' })
  @ApiBody({ type: RejectRequestDto })
  @ApiOkResponse({ type: IssueRecallRequestDto })
  @ApiStaffOnly(400, 404, 409)
  reject(@Param('requestId') requestId: string, @Body() body: unknown, @Caller() caller: ApiCaller): Promise<IssueRecallRequestViewV1> {
    return this.requests.reject(requestId, body, caller);
  }
}
