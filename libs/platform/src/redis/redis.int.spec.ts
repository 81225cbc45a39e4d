// Proves against a real Redis that a BullMQ job enqueued with no worker survives a Redis restart (AOF) and is then processed, and that the Redis health indicator turns down while Redis is stopped and up again afterwards on the same client.
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Queue, Worker } from 'bullmq';
import { freshRedisPrefix, testLogger, testStack, testStackEnv, waitFor } from '@cbdc/testing';
import { RedisHealthIndicator } from '../health/redis.health';
import { createQueue, createWorker } from './queues';
import { createRedis, type Redis } from './redis-client';

jest.setTimeout(180_000);

describe('Redis: BullMQ durability and health across a restart', () => {
  const logger = testLogger();
  const prefix = freshRedisPrefix();
  const queueName = 'restart-proof';
  let redis: Redis;
  let queue: Queue<{ note: string }, string>;
  let worker: Worker<{ note: string }, string> | undefined;

  beforeAll(() => {
    redis = createRedis(testStackEnv().REDIS_URL, { connectionName: 'redis.int.spec', logger });
    queue = createQueue<{ note: string }, string>(queueName, redis, { prefix, logger });
  });

  afterAll(async () => {
    await worker?.close();
    await queue?.close();
    redis?.disconnect();
  });

  it('keeps a queued job through a restart, reports the outage, and recovers on the same client', async () => {
    const health = new RedisHealthIndicator(redis, new HealthIndicatorService(), logger);
    await waitFor(async () => (await health.check()).redis!.status === 'up', 10_000, { what: 'Redis health up' });

    const job = await queue.add('note', { note: 'written before the restart' });
    expect(await job.getState()).toBe('waiting');

    await testStack('down', 'redis');
    const down = await waitFor(async () => {
      const result = await health.check();
      return result.redis!.status === 'down' ? result : undefined;
    }, 10_000, { what: 'Redis health down' });
    expect(down.redis!.message).toMatch(/connection is (connecting|reconnecting|close|end)/);

    await testStack('up', 'redis');
    await waitFor(async () => (await health.check()).redis!.status === 'up', 30_000, { what: 'Redis health up again on the same client' });

    // Only now a worker exists: the job must still be there, read back from the append-only file.
    const processed: string[] = [];
    worker = createWorker<{ note: string }, string>(
      queueName,
      async (running) => {
        processed.push(running.data.note);
        return `done: ${running.data.note}`;
      },
      redis,
      { prefix, logger },
    );
    await waitFor(async () => (await queue.getJob(job.id!))?.returnvalue, 30_000, { what: 'the job to complete' });
    expect(processed).toEqual(['written before the restart']);
    expect((await queue.getJob(job.id!))!.returnvalue).toBe('done: written before the restart');
  });
});
