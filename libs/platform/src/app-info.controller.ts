import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { PlatformOptions } from './platform.options';
import { PLATFORM_OPTIONS } from './platform.tokens';

export class AppInfoResponse {
  @ApiProperty({ type: String, example: 'commercial-bank' })
  app!: string;

  @ApiPropertyOptional({ type: String, example: 'bank-a', description: 'Set for an app run once per operator' })
  operatorId?: string;

  @ApiProperty({ type: String, example: '0.1.0' })
  version!: string;
}

/** GET / says which app (and which operator) answers: useful when several run side by side. */
@ApiTags('operations')
@Controller()
export class AppInfoController {
  constructor(@Inject(PLATFORM_OPTIONS) private readonly options: PlatformOptions) {}

  @Get()
  @ApiOkResponse({ type: AppInfoResponse })
  info(): AppInfoResponse {
    const info: AppInfoResponse = { app: this.options.app, version: this.options.version };
    if (this.options.operatorId !== undefined) info.operatorId = this.options.operatorId;
    return info;
  }
}
