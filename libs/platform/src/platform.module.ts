import { Global, Inject, Injectable, Module, Optional, type DynamicModule, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { TerminusModule, type HealthIndicatorFunction } from '@nestjs/terminus';
import type { Kafka, Producer } from 'kafkajs';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { AppInfoController } from './app-info.controller';
import { findMigrationsDir, runMigrations } from './database/migrations';
import { createPool } from './database/pool';
import { HealthController } from './health/health.controller';
import { KafkaHealthIndicator } from './health/kafka.health';
import { PostgresHealthIndicator } from './health/postgres.health';
import { RedisHealthIndicator } from './health/redis.health';
import { createKafka, createProducer, ensureTopics } from './kafka/kafka-client';
import type { Logger } from './logging/logger';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';
import { kafkaClientIdOf, type PlatformOptions } from './platform.options';
import { HEALTH_INDICATORS, KAFKA, KAFKA_PRODUCER, LOGGER, PG_POOL, PLATFORM_OPTIONS, REDIS } from './platform.tokens';
import { createRedis } from './redis/redis-client';

/**
 * Closes the shared clients when the app shuts down. Runs in `onApplicationShutdown`, after
 * every module's `onModuleDestroy`, so app consumers and workers have stopped using them.
 */
@Injectable()
export class PlatformShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(KAFKA_PRODUCER) private readonly producer?: Producer,
    @Optional() @Inject(REDIS) private readonly redis?: Redis,
    @Optional() @Inject(PG_POOL) private readonly pool?: Pool,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    const steps: Array<[string, (() => Promise<unknown>) | undefined]> = [
      ['kafka producer', this.producer && (() => this.producer!.disconnect())],
      ['redis', this.redis && (() => this.redis!.quit().catch(() => this.redis!.disconnect()))],
      ['postgres pool', this.pool && (() => this.pool!.end())],
    ];
    for (const [name, close] of steps) {
      if (!close) continue;
      try {
        await close();
      } catch (error) {
        this.logger.warn({ err: error, resource: name }, 'closing failed');
      }
    }
  }
}

/**
 * Wires the shared infrastructure of one app: PostgreSQL pool (migrated at start), Redis,
 * Kafka client and producer, /health for exactly those, /metrics, and the logger. Global, so the
 * app's providers inject the tokens without importing anything else.
 *
 *   PlatformModule.forRoot({ app: 'central-bank', version, logger,
 *     postgres: { url }, redis: { url }, kafka: { brokers, topics } })
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const logger = options.logger;
    const providers: Provider[] = [
      { provide: PLATFORM_OPTIONS, useValue: options },
      { provide: LOGGER, useValue: logger },
      MetricsService,
      PlatformShutdown,
    ];
    const exported: Array<symbol | typeof MetricsService> = [PLATFORM_OPTIONS, LOGGER, MetricsService];
    const indicatorClasses: Array<typeof PostgresHealthIndicator | typeof RedisHealthIndicator | typeof KafkaHealthIndicator> = [];

    const postgres = options.postgres;
    if (postgres) {
      providers.push({
        provide: PG_POOL,
        // Migrating inside the factory means nothing that injects the pool runs before the
        // schema is current.
        useFactory: async () => {
          const pool = createPool({
            url: postgres.url,
            applicationName: options.operatorId ?? options.app,
            logger,
            ...postgres.limits,
          });
          if (postgres.migrationsDir !== false) {
            const dir = postgres.migrationsDir ?? findMigrationsDir(options.app);
            const result = await runMigrations(pool, dir, logger);
            logger.info({ applied: result.applied, alreadyApplied: result.alreadyApplied }, 'database schema is current');
          }
          return pool;
        },
      });
      providers.push(PostgresHealthIndicator);
      indicatorClasses.push(PostgresHealthIndicator);
      exported.push(PG_POOL);
    }

    const redis = options.redis;
    if (redis) {
      providers.push({ provide: REDIS, useFactory: () => createRedis(redis.url, { connectionName: options.operatorId ?? options.app, logger }) });
      providers.push(RedisHealthIndicator);
      indicatorClasses.push(RedisHealthIndicator);
      exported.push(REDIS);
    }

    const kafka = options.kafka;
    if (kafka) {
      providers.push({ provide: KAFKA, useFactory: () => createKafka({ brokers: kafka.brokers, clientId: kafkaClientIdOf(options), logger, sasl: kafka.sasl }) });
      providers.push({
        provide: KAFKA_PRODUCER,
        inject: [KAFKA],
        useFactory: async (client: Kafka) => {
          if (kafka.topics && kafka.topics.length > 0) {
            const result = await ensureTopics(client, kafka.topics);
            if (result.created.length + result.grown.length > 0) logger.info(result, 'Kafka topics ensured');
          }
          return createProducer(client);
        },
      });
      providers.push(KafkaHealthIndicator);
      indicatorClasses.push(KafkaHealthIndicator);
      exported.push(KAFKA, KAFKA_PRODUCER);
    }

    providers.push({
      provide: HEALTH_INDICATORS,
      inject: indicatorClasses,
      useFactory: (...indicators: Array<{ check(): Promise<unknown> }>): HealthIndicatorFunction[] =>
        indicators.map((indicator) => () => indicator.check() as ReturnType<HealthIndicatorFunction>),
    });

    return {
      module: PlatformModule,
      global: true,
      // Terminus logs every failed check at ERROR; our indicators log transitions instead.
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [AppInfoController, HealthController, MetricsController],
      providers,
      exports: exported,
    };
  }
}
