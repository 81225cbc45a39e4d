import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { Redis } from 'ioredis';
import type { Logger } from '../logging/logger';
import { LOGGER, REDIS } from '../platform.tokens';
import { lastRedisError } from '../redis/redis-client';
import { describeError, HealthTransitions, healthCheckTimeoutMs, withTimeout } from './health-check';

/**
 * PINGs Redis through the app's shared client. The client queues commands while disconnected
 * (BullMQ needs that), so a PING would wait rather than fail: check the connection state first.
 */
@Injectable()
export class RedisHealthIndicator {
  private readonly transitions: HealthTransitions;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.transitions = new HealthTransitions(logger);
  }

  async check(key = 'redis'): Promise<HealthIndicatorResult> {
    const session = this.indicators.check(key);
    try {
      if (this.redis.status !== 'ready') {
        const last = lastRedisError(this.redis);
        throw new Error(`connection is ${this.redis.status}${last ? ` (${last})` : ''}`);
      }
      const reply = await withTimeout(this.redis.ping(), healthCheckTimeoutMs, 'Redis PING');
      if (reply !== 'PONG') throw new Error(`PING answered ${JSON.stringify(reply)}`);
      this.transitions.record(key, 'up');
      return session.up();
    } catch (error) {
      const message = describeError(error);
      this.transitions.record(key, 'down', message);
      return session.down({ message });
    }
  }
}
