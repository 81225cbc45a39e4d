import { Kafka, logLevel, Partitioners, type Admin, type LogEntry, type Message, type Producer, type SASLOptions } from 'kafkajs';
import type { TopicSpec } from '@cbdc/contracts';
import type { Logger } from '../logging/logger';

/** kafkajs warnings that are known and handled; logged at debug. See createProducer and startBatchConsumer. */
const producerRetriesWarning = 'Limiting retries for the idempotent producer';
const eachBatchFailure = 'Error when calling eachBatch';

/** Connection limits of a Kafka client, named with their unit last. */
export interface KafkaClientLimits {
  /** How long a TCP connection to a broker may take. */
  connectionTimeoutMs: number;
  /** How long one request to a broker may take before it is retried. */
  requestTimeoutMs: number;
  /** Retries of a failed request (with kafkajs' exponential backoff) before the caller sees the error. */
  retriesMax: number;
}

export const kafkaClientLimitsDefault: KafkaClientLimits = {
  connectionTimeoutMs: 3_000,
  requestTimeoutMs: 30_000,
  retriesMax: 8,
};

/** SASL mechanisms a client may use; the local stack's broker accepts only SCRAM-SHA-512 from clients. */
export const kafkaSaslMechanisms = ['scram-sha-512', 'scram-sha-256', 'plain'] as const;
export type KafkaSaslMechanism = (typeof kafkaSaslMechanisms)[number];

/** Who this client is to the broker (docs/decisions/0015-kafka-acls.md): one principal per party. */
export interface KafkaSaslCredentials {
  mechanism: KafkaSaslMechanism;
  username: string;
  password: string;
}

export interface CreateKafkaOptions extends Partial<KafkaClientLimits> {
  brokers: readonly string[];
  clientId: string;
  logger?: Logger;
  /**
   * The principal to authenticate as. When absent, the process environment's KAFKA_SASL_USERNAME,
   * KAFKA_SASL_PASSWORD (and KAFKA_SASL_MECHANISM) are used if set, the way libpq reads PGPASSWORD:
   * the stack's env file carries the admin principal for tools and tests, and each app started by
   * scripts/run-system.ts gets its own. `null` connects without authentication (a test of refusal).
   */
  sasl?: KafkaSaslCredentials | null;
}

/**
 * The SASL credentials in an environment (KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD, both or
 * neither; KAFKA_SASL_MECHANISM defaults to scram-sha-512), or null when it names none.
 */
export function kafkaSaslFromEnvironment(env: Readonly<Record<string, string | undefined>> = process.env): KafkaSaslCredentials | null {
  const username = env.KAFKA_SASL_USERNAME ?? '';
  const password = env.KAFKA_SASL_PASSWORD ?? '';
  if (username === '' && password === '') return null;
  if (username === '' || password === '') throw new Error('KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD must be set together');
  const mechanism = env.KAFKA_SASL_MECHANISM || 'scram-sha-512';
  if (!(kafkaSaslMechanisms as readonly string[]).includes(mechanism)) {
    throw new Error(`KAFKA_SASL_MECHANISM must be one of ${kafkaSaslMechanisms.join('|')}, got ${JSON.stringify(mechanism)}`);
  }
  return { mechanism: mechanism as KafkaSaslMechanism, username, password };
}

function saslOptionsOf(credentials: KafkaSaslCredentials): SASLOptions {
  switch (credentials.mechanism) {
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username: credentials.username, password: credentials.password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username: credentials.username, password: credentials.password };
    case 'plain':
      return { mechanism: 'plain', username: credentials.username, password: credentials.password };
  }
}

/**
 * A kafkajs client whose own log lines go to our logger at WARN and above: kafkajs is chatty at
 * INFO (every join, every connect), and its default logger prints unstructured text.
 */
export function createKafka(options: CreateKafkaOptions): Kafka {
  const limits = { ...kafkaClientLimitsDefault, ...stripUndefined(options) };
  const logger = options.logger?.child({ component: 'kafkajs', clientId: options.clientId });
  const sasl = options.sasl === undefined ? kafkaSaslFromEnvironment() : options.sasl;
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    // SASL without TLS: the stack's broker listens on loopback only (docs/decisions/0015-kafka-acls.md).
    ...(sasl ? { sasl: saslOptionsOf(sasl), ssl: false } : {}),
    connectionTimeout: limits.connectionTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    retry: { retries: limits.retriesMax },
    logLevel: logger ? logLevel.WARN : logLevel.NOTHING,
    logCreator: () => (entry: LogEntry) => {
      if (!logger) return;
      const { message, timestamp: _timestamp, ...fields } = entry.log;
      const payload = { ...fields, namespace: entry.namespace };
      // Known and accepted, see createProducer; repeated at every start it would train people to ignore warnings.
      if (message.startsWith(producerRetriesWarning) || message === eachBatchFailure) logger.debug(payload, message);
      else if (entry.level === logLevel.ERROR) logger.error(payload, message);
      else if (entry.level === logLevel.WARN) logger.warn(payload, message);
      else logger.debug(payload, message);
    },
  });
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * A producer that does not lose or duplicate what it was told was sent: every in-sync replica
 * acknowledges (`acks: -1`) and the broker drops retried duplicates (`idempotent`), which
 * kafkajs only allows with one request in flight.
 *
 * Retries stay bounded (`retriesMax` of the client) although kafkajs would like them unbounded
 * for exactly-once: a send must fail in bounded time so an HTTP request or a job can report it,
 * and every state change is re-sent from the outbox and deduplicated by the receiver's inbox.
 */
export async function createProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return producer;
}

/** Sends messages to one topic with `acks: -1`; resolves once the broker has them durably. */
export async function sendMessages(producer: Producer, topic: string, messages: Message[]): Promise<void> {
  await producer.send({ topic, acks: -1, messages });
}

/** A message bound for a topic, before messages are grouped by topic for one producer call. */
export interface TopicMessage {
  readonly topic: string;
  readonly key: string | null;
  readonly value: string;
}

/** Groups messages by topic for `producer.sendBatch`, keeping their order within each topic. */
export function topicMessagesOf(messages: readonly TopicMessage[]): { topic: string; messages: { key: string | null; value: string }[] }[] {
  const groups = new Map<string, { key: string | null; value: string }[]>();
  for (const message of messages) {
    let group = groups.get(message.topic);
    if (!group) groups.set(message.topic, (group = []));
    group.push({ key: message.key, value: message.value });
  }
  return [...groups].map(([topic, list]) => ({ topic, messages: list }));
}

export interface EnsureTopicsResult {
  created: string[];
  existing: string[];
  grown: string[];
}

export interface EnsureTopicsOptions {
  /** One machine has one broker; production sets 3. */
  replicationFactor?: number;
  /** How long the broker may take to create the topics. */
  createTimeoutMs?: number;
}

/**
 * Creates missing topics and grows topics with fewer partitions than specified (Kafka can add
 * partitions but never remove them). Safe to call from every app at every start, and from two
 * processes at once: a topic that appeared meanwhile counts as existing.
 */
export async function ensureTopics(kafka: Kafka, specs: readonly TopicSpec[], options: EnsureTopicsOptions = {}): Promise<EnsureTopicsResult> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await ensureTopicsWithAdmin(admin, specs, options);
  } finally {
    await admin.disconnect();
  }
}

async function ensureTopicsWithAdmin(admin: Admin, specs: readonly TopicSpec[], options: EnsureTopicsOptions): Promise<EnsureTopicsResult> {
  const result: EnsureTopicsResult = { created: [], existing: [], grown: [] };
  const existingNames = new Set(await admin.listTopics());
  const missing = specs.filter((spec) => !existingNames.has(spec.name));
  if (missing.length > 0) {
    try {
      await admin.createTopics({
        waitForLeaders: true,
        timeout: options.createTimeoutMs ?? 10_000,
        topics: missing.map((spec) => ({ topic: spec.name, numPartitions: spec.partitions, replicationFactor: options.replicationFactor ?? 1 })),
      });
    } catch (error) {
      // Another process created some of them between our list and our create.
      if (isTopicAlreadyExists(error)) {
        // Nothing to do: they exist now.
      } else if (isAuthorizationFailure(error)) {
        throw new Error(
          `Kafka topics ${missing.map((spec) => spec.name).join(', ')} are missing and this principal may not create them: ` +
            'the stack (scripts/create-topics.ts) or the central bank creates topics, an operator only uses them',
          { cause: error },
        );
      } else {
        throw error;
      }
    }
  }
  const present = specs.filter((spec) => existingNames.has(spec.name));
  const metadata = present.length > 0 ? await admin.fetchTopicMetadata({ topics: present.map((spec) => spec.name) }) : { topics: [] };
  const grow: Array<{ topic: string; count: number }> = [];
  for (const spec of present) {
    const partitions = metadata.topics.find((topic) => topic.name === spec.name)?.partitions.length ?? 0;
    if (partitions < spec.partitions) grow.push({ topic: spec.name, count: spec.partitions });
    else result.existing.push(spec.name);
  }
  if (grow.length > 0) {
    await admin.createPartitions({ topicPartitions: grow });
    result.grown.push(...grow.map((g) => g.topic));
  }
  result.created.push(...missing.map((spec) => spec.name));
  return result;
}

/** True for the broker's refusals by ACL (TOPIC_AUTHORIZATION_FAILED, CLUSTER_AUTHORIZATION_FAILED, ...). */
export function isAuthorizationFailure(error: unknown): boolean {
  const e = error as { type?: string; errors?: Array<{ type?: string }>; cause?: unknown };
  if (typeof e?.type === 'string' && e.type.endsWith('_AUTHORIZATION_FAILED')) return true;
  if (Array.isArray(e?.errors) && e.errors.some((inner) => typeof inner?.type === 'string' && inner.type.endsWith('_AUTHORIZATION_FAILED'))) return true;
  return e?.cause !== undefined && e.cause !== error && isAuthorizationFailure(e.cause);
}

function isTopicAlreadyExists(error: unknown): boolean {
  const e = error as { type?: string; errors?: Array<{ type?: string }> };
  if (e.type === 'TOPIC_ALREADY_EXISTS') return true;
  return Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every((inner) => inner.type === 'TOPIC_ALREADY_EXISTS');
}
