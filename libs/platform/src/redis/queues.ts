import { Queue, QueueEvents, Worker, type JobsOptions, type Processor, type QueueOptions, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../logging/logger';

/**
 * BullMQ factories with the project's defaults: a job is retried a bounded number of times with
 * exponential backoff, and finished jobs are trimmed so Redis does not grow without bound.
 */

export const jobAttemptsMax = 5;
export const jobBackoffDelayMs = 1_000;
/** Completed jobs kept for inspection, at most this many and for at most this long. */
export const completedJobsKeptMax = 1_000;
export const completedJobsKeptSeconds = 24 * 3600;
/** Failed jobs are kept longer: a person may need to look at them. */
export const failedJobsKeptMax = 10_000;

/**
 * Connection errors repeat at every reconnect attempt of every queue, worker and events
 * connection during a Redis outage; `createRedis` already logs the outage once.
 */
function logQueueError(logger: Logger | undefined, error: Error, queue: string, what: string): void {
  const connectionLost = /ECONNREFUSED|ECONNRESET|EPIPE|Connection is closed|Stream isn't writeable/i.test(error.message);
  if (connectionLost) logger?.debug({ reason: error.message, queue }, what);
  else logger?.warn({ err: error, queue }, what);
}

export const jobOptionsDefault: JobsOptions = {
  attempts: jobAttemptsMax,
  backoff: { type: 'exponential', delay: jobBackoffDelayMs },
  removeOnComplete: { count: completedJobsKeptMax, age: completedJobsKeptSeconds },
  removeOnFail: { count: failedJobsKeptMax },
};

export interface QueueFactoryOptions {
  /** Key prefix in Redis; tests use a fresh one so runs do not see each other's jobs. */
  prefix?: string;
  defaultJobOptions?: JobsOptions;
  logger?: Logger;
}

export function createQueue<Data = unknown, Result = unknown>(name: string, connection: Redis, options: QueueFactoryOptions = {}): Queue<Data, Result> {
  const queueOptions: QueueOptions = {
    connection,
    defaultJobOptions: { ...jobOptionsDefault, ...options.defaultJobOptions },
  };
  if (options.prefix !== undefined) queueOptions.prefix = options.prefix;
  const queue = new Queue<Data, Result>(name, queueOptions);
  // An EventEmitter 'error' without a listener crashes the process; a Redis outage must not.
  queue.on('error', (error: Error) => logQueueError(options.logger, error, name, 'queue error'));
  return queue;
}

export interface WorkerFactoryOptions {
  prefix?: string;
  /** Jobs processed at once by this worker. */
  concurrency?: number;
  /** A job whose worker stops renewing its lock for this long is handed to another worker. */
  lockDurationMs?: number;
  /** Start fetching jobs at once (default); false to call `worker.run()` later. */
  autorun?: boolean;
  logger?: Logger;
}

export const workerConcurrencyDefault = 4;
export const workerLockDurationMsDefault = 30_000;

/**
 * A worker on `name`. BullMQ duplicates the given connection for its blocking fetch, so one
 * client made by `createRedis` can be shared by every queue and worker of a process.
 */
export function createWorker<Data = unknown, Result = unknown>(
  name: string,
  processor: Processor<Data, Result>,
  connection: Redis,
  options: WorkerFactoryOptions = {},
): Worker<Data, Result> {
  const workerOptions: WorkerOptions = {
    connection,
    concurrency: options.concurrency ?? workerConcurrencyDefault,
    lockDuration: options.lockDurationMs ?? workerLockDurationMsDefault,
    autorun: options.autorun ?? true,
  };
  if (options.prefix !== undefined) workerOptions.prefix = options.prefix;
  const worker = new Worker<Data, Result>(name, processor, workerOptions);
  worker.on('error', (error: Error) => logQueueError(options.logger, error, name, 'worker error'));
  worker.on('failed', (job, error: Error) =>
    options.logger?.warn({ err: error, queue: name, jobId: job?.id, attemptsMade: job?.attemptsMade }, 'job failed'),
  );
  return worker;
}

/** Events of a queue (completed, failed), for `job.waitUntilFinished`. Holds a blocking connection. */
export function createQueueEvents(name: string, connection: Redis, options: { prefix?: string; logger?: Logger } = {}): QueueEvents {
  const events = new QueueEvents(name, { connection, ...(options.prefix === undefined ? {} : { prefix: options.prefix }) });
  events.on('error', (error: Error) => logQueueError(options.logger, error, name, 'queue events error'));
  return events;
}
