import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { Admin, Kafka } from 'kafkajs';
import { createKafka } from '../kafka/kafka-client';
import type { Logger } from '../logging/logger';
import type { PlatformOptions } from '../platform.options';
import { LOGGER, PLATFORM_OPTIONS } from '../platform.tokens';
import { describeError, HealthTransitions, healthCheckTimeoutMs, withTimeout } from './health-check';

/** A health probe must answer within seconds, so it never retries and waits briefly. */
export const kafkaHealthConnectionTimeoutMs = 1_000;

/**
 * Asks a broker for cluster metadata on each check. The probe has its own client with no
 * retries: the app's client retries for tens of seconds, which would hide an outage. After a
 * failure the admin is dropped and the next check connects afresh, so a broker that comes back
 * is seen again without restarting the app.
 */
@Injectable()
export class KafkaHealthIndicator implements OnApplicationShutdown {
  private readonly kafka: Kafka;
  private admin: Admin | undefined;
  private readonly transitions: HealthTransitions;

  constructor(
    @Inject(PLATFORM_OPTIONS) options: PlatformOptions,
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(LOGGER) logger: Logger,
  ) {
    if (!options.kafka) throw new Error('KafkaHealthIndicator needs the kafka option of PlatformModule');
    this.kafka = createKafka({
      brokers: options.kafka.brokers,
      sasl: options.kafka.sasl,
      clientId: `${options.kafka.clientId ?? options.operatorId ?? options.app}-health`,
      connectionTimeoutMs: kafkaHealthConnectionTimeoutMs,
      requestTimeoutMs: healthCheckTimeoutMs,
      retriesMax: 0,
    });
    this.transitions = new HealthTransitions(logger);
  }

  async check(key = 'kafka'): Promise<HealthIndicatorResult> {
    const session = this.indicators.check(key);
    try {
      const brokers = await withTimeout(this.probe(), healthCheckTimeoutMs, 'Kafka metadata request');
      this.transitions.record(key, 'up');
      return session.up({ brokers });
    } catch (error) {
      const message = describeError(error);
      this.transitions.record(key, 'down', message);
      await this.dropAdmin();
      return session.down({ message });
    }
  }

  private async probe(): Promise<number> {
    if (!this.admin) {
      const admin = this.kafka.admin({ retry: { retries: 0 } });
      this.admin = admin;
      await admin.connect();
    }
    const cluster = await this.admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('the cluster reports no broker');
    return cluster.brokers.length;
  }

  private async dropAdmin(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.dropAdmin();
  }
}
