import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthIndicatorFunction } from '@nestjs/terminus';
import { HEALTH_INDICATORS } from '../platform.tokens';

/** 200 with every dependency up, 503 naming the dependency that is down and why. */
@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(HEALTH_INDICATORS) private readonly indicators: HealthIndicatorFunction[],
  ) {}

  @Get('health')
  @HealthCheck()
  check() {
    return this.health.check(this.indicators);
  }
}
