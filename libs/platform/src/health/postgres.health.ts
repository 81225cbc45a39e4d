import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { Pool } from 'pg';
import type { Logger } from '../logging/logger';
import { LOGGER, PG_POOL } from '../platform.tokens';
import { describeError, HealthTransitions, healthCheckTimeoutMs, withTimeout } from './health-check';

/** Reaches PostgreSQL through the app's own pool, so a full pool also shows as unhealthy. */
@Injectable()
export class PostgresHealthIndicator {
  private readonly transitions: HealthTransitions;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.transitions = new HealthTransitions(logger);
  }

  async check(key = 'postgres'): Promise<HealthIndicatorResult> {
    const session = this.indicators.check(key);
    try {
      await withTimeout(this.pool.query('SELECT 1'), healthCheckTimeoutMs, 'PostgreSQL SELECT 1');
      this.transitions.record(key, 'up');
      return session.up();
    } catch (error) {
      const message = describeError(error);
      this.transitions.record(key, 'down', message);
      return session.down({ message });
    }
  }
}
