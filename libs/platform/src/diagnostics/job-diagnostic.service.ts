import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import type { Queue, QueueEvents, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { TimeoutError, withTimeout } from '../health/health-check';
import type { Logger } from '../logging/logger';
import type { PlatformOptions } from '../platform.options';
import { LOGGER, PG_POOL, PLATFORM_OPTIONS, REDIS } from '../platform.tokens';
import { createQueue, createQueueEvents, createWorker } from '../redis/queues';

/** The HTTP call waits this long for the job to finish. */
export const diagnosticJobWaitMs = 10_000;

/** The job did not finish in time; the HTTP layer answers 504 with this code. */
export class JobTimeoutError extends Error {
  readonly code = 'JOB_TIMEOUT';
}

export class DiagnosticJobResult {
  @ApiProperty({ type: String, example: '1' })
  jobId!: string;

  @ApiProperty({ type: Number, example: 12, description: 'Milliseconds from enqueue to completion' })
  ms!: number;
}

/**
 * Proves the BullMQ path end to end: a job goes through Redis to this app's worker, which
 * writes a row to the app's PostgreSQL (table `diagnostic_job_runs`, in each app's first
 * migration); the caller waits for completion. One queue per app, and per operator for banks.
 */
@Injectable()
export class JobDiagnosticService implements OnModuleInit, OnModuleDestroy {
  readonly queueName: string;
  private queue!: Queue<{ requestedAt: string }, { rowWritten: boolean }>;
  private events!: QueueEvents;
  private worker!: Worker<{ requestedAt: string }, { rowWritten: boolean }>;

  constructor(
    @Inject(PLATFORM_OPTIONS) options: PlatformOptions,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.queueName = `${options.operatorId ?? options.app}-diagnostics`;
  }

  async onModuleInit(): Promise<void> {
    this.queue = createQueue(this.queueName, this.redis, { logger: this.logger, defaultJobOptions: { attempts: 3 } });
    this.events = createQueueEvents(this.queueName, this.redis, { logger: this.logger });
    this.worker = createWorker(
      this.queueName,
      async (job) => {
        const result = await this.pool.query(
          'INSERT INTO diagnostic_job_runs (job_id, queue) VALUES ($1, $2) ON CONFLICT (job_id) DO NOTHING',
          [job.id, this.queueName],
        );
        return { rowWritten: result.rowCount === 1 };
      },
      this.redis,
      { concurrency: 1, logger: this.logger },
    );
  }

  /**
   * Enqueues and waits, bounded as a whole: while Redis is down the client queues commands
   * instead of failing, and the caller must get JOB_TIMEOUT rather than wait for Redis.
   */
  async run(): Promise<DiagnosticJobResult> {
    const started = performance.now();
    let jobId = '(not enqueued)';
    const enqueueAndWait = async () => {
      // Subscribed before adding, so the completion event cannot be missed.
      await this.events.waitUntilReady();
      const job = await this.queue.add('diagnostic', { requestedAt: new Date().toISOString() });
      jobId = String(job.id);
      await job.waitUntilFinished(this.events, diagnosticJobWaitMs);
    };
    try {
      await withTimeout(enqueueAndWait(), diagnosticJobWaitMs, 'diagnostic job');
    } catch (error) {
      if (error instanceof TimeoutError || /timed out/i.test((error as Error).message)) {
        throw new JobTimeoutError(`job ${jobId} did not finish within ${diagnosticJobWaitMs} ms`);
      }
      throw error;
    }
    return { jobId, ms: Math.round(performance.now() - started) };
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
    await this.events?.close();
    await this.queue?.close();
  }
}
