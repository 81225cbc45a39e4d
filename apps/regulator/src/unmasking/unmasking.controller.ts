import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, UseGuards } from '@nestjs/common';
import { OfficialAuthGuard, type OfficialRequest } from '../officials/official-auth.guard';
import { UnmaskingService } from './unmasking.service';

/** Unmasking requests, approvals and the opening; every route takes a request signed by an official. */
@Controller('v1/unmasking-requests')
@UseGuards(OfficialAuthGuard)
export class UnmaskingController {
  constructor(@Inject(UnmaskingService) private readonly unmasking: UnmaskingService) {}

  @Post()
  @HttpCode(201)
  create(@Req() request: OfficialRequest, @Body() body: unknown) {
    return this.unmasking.create(request.officialId!, body);
  }

  @Get(':requestId')
  view(@Param('requestId') requestId: string) {
    return this.unmasking.view(requestId);
  }

  @Get(':requestId/audit')
  audit(@Param('requestId') requestId: string) {
    return this.unmasking.auditTrail(requestId);
  }

  @Post(':requestId/approvals')
  @HttpCode(200)
  approve(@Req() request: OfficialRequest, @Param('requestId') requestId: string, @Body() body: unknown) {
    return this.unmasking.approve(request.officialId!, requestId, body);
  }

  @Post(':requestId/open')
  @HttpCode(200)
  open(@Req() request: OfficialRequest, @Param('requestId') requestId: string) {
    return this.unmasking.open(request.officialId!, requestId);
  }
}
