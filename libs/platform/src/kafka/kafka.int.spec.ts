// Proves against a real Kafka broker that topics are ensured idempotently, that a batch consumer commits an offset only after its handler succeeded (a failing handler sees the message again, and after success a new consumer in the same group does not), and that health, producer and consumer recover from a broker restart without being recreated.
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Kafka, Producer } from 'kafkajs';
import { kafkaBrokersOf, testLogger, testStack, testStackEnv, uniqueTopic, waitFor } from '@cbdc/testing';
import { KafkaHealthIndicator } from '../health/kafka.health';
import { startBatchConsumer, type BatchConsumer, type ConsumedMessage } from './batch-consumer';
import { createKafka, createProducer, ensureTopics, sendMessages } from './kafka-client';

jest.setTimeout(240_000);

describe('Kafka: topics, producer, batch consumer with manual commits', () => {
  const logger = testLogger();
  let kafka: Kafka;
  let producer: Producer;
  const consumers: BatchConsumer[] = [];

  beforeAll(async () => {
    kafka = createKafka({ brokers: kafkaBrokersOf(testStackEnv()), clientId: 'kafka.int.spec', logger });
    producer = await createProducer(kafka);
  });

  afterAll(async () => {
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    await producer?.disconnect();
  });

  it('creates missing topics, leaves existing ones, and grows partitions', async () => {
    const name = uniqueTopic('ensure');
    expect(await ensureTopics(kafka, [{ name, partitions: 1 }])).toEqual({ created: [name], existing: [], grown: [] });
    expect(await ensureTopics(kafka, [{ name, partitions: 1 }])).toEqual({ created: [], existing: [name], grown: [] });
    expect(await ensureTopics(kafka, [{ name, partitions: 3 }])).toEqual({ created: [], existing: [], grown: [name] });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [name] });
      expect(metadata.topics[0]!.partitions).toHaveLength(3);
    } finally {
      await admin.disconnect();
    }
  });

  it('redelivers a batch whose handler failed, and commits it once handled', async () => {
    const topic = uniqueTopic('redelivery');
    const groupId = `${topic}.group`;
    await ensureTopics(kafka, [{ name: topic, partitions: 1 }]);
    await sendMessages(producer, topic, [
      { key: 'k1', value: 'first' },
      { key: 'k2', value: 'second' },
    ]);

    const deliveries: string[][] = [];
    let failuresLeft = 1;
    const first = await startBatchConsumer({
      kafka,
      groupId,
      topics: [topic],
      logger,
      handler: async (messages: ConsumedMessage[]) => {
        deliveries.push(messages.map((message) => message.value!.toString()));
        if (failuresLeft > 0) {
          failuresLeft--;
          throw new Error('handler fails the first time on purpose');
        }
      },
    });
    consumers.push(first);

    // The failed delivery and then a successful one, both with the first message in them.
    await waitFor(() => deliveries.length >= 2 && deliveries.flat().filter((value) => value === 'first').length >= 2, 60_000, {
      what: 'the failed batch to be delivered again',
    });
    const committed = await waitFor(async () => {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
        const offset = offsets[0]!.partitions[0]!.offset;
        return offset === '2' ? offset : undefined;
      } finally {
        await admin.disconnect();
      }
    }, 30_000, { what: 'the offset after both messages to be committed' });
    expect(committed).toBe('2');
    await first.stop();

    // A new member of the same group starts after the committed offset: it sees only what is new.
    await sendMessages(producer, topic, [{ key: 'k3', value: 'third' }]);
    const seenBySecond: string[] = [];
    const second = await startBatchConsumer({
      kafka,
      groupId,
      topics: [topic],
      logger,
      handler: async (messages) => {
        seenBySecond.push(...messages.map((message) => message.value!.toString()));
      },
    });
    consumers.push(second);
    await waitFor(() => seenBySecond.includes('third'), 60_000, { what: 'the new message' });
    expect(seenBySecond).toEqual(['third']);
  });

  it('notices a broker that went away within seconds, and recovers when it returns', async () => {
    const topic = uniqueTopic('restart');
    await ensureTopics(kafka, [{ name: topic, partitions: 1 }]);
    const health = new KafkaHealthIndicator(
      { app: 'kafka.int.spec', version: '0', logger, kafka: { brokers: kafkaBrokersOf(testStackEnv()) } },
      new HealthIndicatorService(),
      logger,
    );
    const seen: string[] = [];
    const consumer = await startBatchConsumer({
      kafka,
      groupId: `${topic}.group`,
      topics: [topic],
      logger,
      handler: async (messages) => {
        seen.push(...messages.map((message) => message.value!.toString()));
      },
    });
    consumers.push(consumer);
    try {
      expect((await health.check()).kafka!.status).toBe('up');

      await testStack('down', 'kafka');
      const downSince = Date.now();
      const down = await waitFor(async () => {
        const result = await health.check();
        return result.kafka!.status === 'down' ? result : undefined;
      }, 10_000, { what: 'Kafka health down' });
      expect(Date.now() - downSince).toBeLessThan(10_000);
      expect(String(down.kafka!.message)).not.toBe('');

      await testStack('up', 'kafka');
      await waitFor(async () => (await health.check()).kafka!.status === 'up', 60_000, { what: 'Kafka health up again' });

      // The producer and the consumer made before the restart carry on by themselves.
      await waitFor(async () => {
        await sendMessages(producer, topic, [{ key: 'after', value: 'after the restart' }]);
        return true;
      }, 60_000, { what: 'a send after the restart' });
      await waitFor(() => seen.includes('after the restart'), 90_000, { what: 'the consumer to receive a message sent after the restart' });
    } finally {
      await health.onApplicationShutdown();
    }
  });
});
