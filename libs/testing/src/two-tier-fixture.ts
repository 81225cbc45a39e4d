/**
 * What the integration tests of the two tiers set up again and again, in one place: an app of the
 * project run in-process on a free port, its staff key read from the keys file it wrote, and a
 * central ledger of the test's own (a fresh database, its own ledger topic, the real engine) that
 * registers operators, credits their reserves and issues into their vaults.
 *
 * The ledger engine lives in the central-bank app, which a library does not import: the test
 * passes `startLedgerEngine` in, and the fixture gives it the options every test uses.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { creditReserveMessage, issueMessage, operatorEventsTopic, registerOperatorMessage, type KeyedMessage } from '@cbdc/contracts';
import { generateKeyPair, type Ed25519KeyPair } from '@cbdc/crypto';
import type { LedgerPolicy } from '@cbdc/ledger';
import { createKafka, createPool, createProducer, ensureTopics, httpBodyBytesMax, PinoNestLogger, runMigrations, type Logger } from '@cbdc/platform';
import { freshDatabase, type FreshDatabase } from './fresh-resources';
import { kafkaBrokersOf, repoRoot, testStackEnv } from './stack-env';
import { waitFor } from './wait-for';

export interface InProcessApp {
  readonly app: NestFastifyApplication;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
}

/**
 * Starts an app's root module as bootstrapApp builds it, minus /docs: Swagger's static files need
 * an ESM-only package that Jest cannot load (the e2e tests cover /docs on the compiled apps).
 * Port 0: the system picks a free one, so a suite runs beside anything else.
 */
export async function startNestApp(module: Parameters<typeof NestFactory.create>[0], logger: Logger): Promise<InProcessApp> {
  const app = await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter({ bodyLimit: httpBodyBytesMax }), {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

/** The staff key of the keys file an app writes at its first start. */
export function staffKeyOf(keysFile: string): string {
  return (JSON.parse(readFileSync(keysFile, 'utf8')) as { staff: { key: string } }).staff.key;
}

/** The options every test gives the central bank's `startLedgerEngine`. */
export interface TestLedgerEngineOptions {
  readonly databaseUrl: string;
  readonly kafkaBrokers: readonly string[];
  readonly topic: string;
  readonly partitions: number;
  readonly consumerGroup: string;
  readonly centralBankPublicKey: Uint8Array;
  readonly regulatorPublicKey?: Uint8Array | null;
  readonly policy: () => LedgerPolicy;
  readonly logger: Logger;
  readonly verifyPoolSize?: number;
}

export interface CentralLedgerOptions {
  /** Names the database (`<name>_central_<suffix>`), the Kafka client and the engine's group: `bank_int`. */
  readonly name: string;
  /** The test's unique suffix (uniqueSuffix()), for the consumer group. */
  readonly suffix: string;
  readonly ledgerTopic: string;
  /** Operators whose events topics must exist before the engine answers them. */
  readonly operatorIds: readonly string[];
  /** More topics the test uses (one partition each), such as the regulator's reports. */
  readonly extraTopics?: readonly string[];
  readonly startEngine: (options: TestLedgerEngineOptions) => Promise<{ close(): Promise<void> }>;
  readonly policy: LedgerPolicy;
  readonly regulatorPublicKey?: Uint8Array;
  readonly logger: Logger;
  /** How long `decided` and `accepted` wait for the engine. */
  readonly decisionTimeoutMs: number;
}

/** An operator to put on the ledger: registered, then its reserves credited, then DC issued into its vault. */
export interface StockedOperator {
  readonly operatorId: string;
  /** Hex Ed25519 public key of the operator. */
  readonly publicKey: string;
  /** Reserves credited (`rtgs-<id>`); none when absent. */
  readonly reserve?: bigint;
  /** DC issued into the vault (`issue-<id>`, request `r-<id>`); none when absent. */
  readonly issue?: bigint;
}

export interface CentralLedger {
  readonly database: FreshDatabase;
  /** A pool on the central ledger's database, for the test's own checks. */
  readonly pool: Pool;
  readonly kafka: Kafka;
  readonly producer: Producer;
  /** The central bank's key: it signs the commands only the central bank may send. */
  readonly centralBank: Ed25519KeyPair;
  /** Puts signed commands on the ledger topic, as the apps do. */
  send(messages: readonly KeyedMessage[]): Promise<void>;
  /** Waits until the engine has decided every command (accepted or rejected). */
  decided(commandIds: readonly string[]): Promise<void>;
  /** Waits until the engine has accepted every command. */
  accepted(commandIds: readonly string[]): Promise<void>;
  /** An account's balance on the central ledger; 0 for an account that does not exist yet. */
  balance(accountId: string): Promise<bigint>;
  /** Registers the operators, credits their reserves and issues into their vaults, each step accepted before the next. */
  stock(operators: readonly StockedOperator[]): Promise<void>;
  close(): Promise<void>;
}

/** A central ledger of the test's own: a migrated fresh database, its topics, and the real engine on them. */
export async function startCentralLedger(options: CentralLedgerOptions): Promise<CentralLedger> {
  const env = testStackEnv();
  const brokers = kafkaBrokersOf(env);
  const centralBank = generateKeyPair();
  const kafka = createKafka({ brokers, clientId: `test-${options.name}-${options.suffix}` });
  const database = await freshDatabase(`${options.name}_central`);
  const pool = createPool({ url: database.url, applicationName: `${options.name}-central` });
  let producer: Producer | null = null;
  let engine: { close(): Promise<void> };
  try {
    await runMigrations(pool, path.join(repoRoot(), 'apps', 'central-bank', 'migrations'));
    await ensureTopics(kafka, [
      { name: options.ledgerTopic, partitions: 1 },
      ...options.operatorIds.map((id) => ({ name: operatorEventsTopic(id), partitions: 1 })),
      ...(options.extraTopics ?? []).map((name) => ({ name, partitions: 1 })),
    ]);
    producer = await createProducer(kafka);
    engine = await options.startEngine({
      databaseUrl: database.url,
      kafkaBrokers: brokers,
      topic: options.ledgerTopic,
      partitions: 1,
      consumerGroup: `test-${options.name}-engine-${options.suffix}`,
      centralBankPublicKey: centralBank.publicKey,
      ...(options.regulatorPublicKey ? { regulatorPublicKey: options.regulatorPublicKey } : {}),
      policy: () => options.policy,
      logger: options.logger,
      verifyPoolSize: 1,
    });
  } catch (error) {
    // The test's afterAll has no handle yet: what was made so far is released here.
    await producer?.disconnect();
    await pool.end();
    await database.drop();
    throw error;
  }
  const started = { producer, engine };

  const send = async (messages: readonly KeyedMessage[]): Promise<void> => {
    await started.producer.send({ topic: options.ledgerTopic, acks: -1, messages: messages.map((m) => ({ key: m.key, value: m.value })) });
  };
  const statusesOf = async (commandIds: readonly string[]): Promise<string[]> =>
    (await pool.query<{ status: string }>('select status from ledger_commands where command_id = any($1)', [commandIds])).rows.map((row) => row.status);
  const decided = async (commandIds: readonly string[]): Promise<void> => {
    await waitFor(async () => (await statusesOf(commandIds)).length === commandIds.length, options.decisionTimeoutMs, {
      what: `central ledger to decide ${commandIds.join(', ')}`,
    });
  };
  const accepted = async (commandIds: readonly string[]): Promise<void> => {
    await waitFor(
      async () => {
        const statuses = await statusesOf(commandIds);
        return statuses.length === commandIds.length && statuses.every((status) => status === 'accepted');
      },
      options.decisionTimeoutMs,
      { what: `central ledger to accept ${commandIds.join(', ')}` },
    );
  };
  /** Sends one command per operator that has one, and waits until all are accepted. */
  const step = async (operators: readonly StockedOperator[], command: (operator: StockedOperator) => KeyedMessage | null, prefix: string): Promise<void> => {
    const commands = operators.flatMap((operator) => {
      const message = command(operator);
      return message ? [{ message, id: `${prefix}-${operator.operatorId}` }] : [];
    });
    if (commands.length === 0) return;
    await send(commands.map((c) => c.message));
    await accepted(commands.map((c) => c.id));
  };

  return {
    database,
    pool,
    kafka,
    producer: started.producer,
    centralBank,
    send,
    decided,
    accepted,
    async balance(accountId) {
      const result = await pool.query<{ balance: string }>('select balance from accounts where id = $1', [accountId]);
      return BigInt(result.rows[0]?.balance ?? '0');
    },
    async stock(operators) {
      const key = centralBank.privateKey;
      await step(
        operators,
        ({ operatorId, publicKey }) =>
          registerOperatorMessage({ commandId: `reg-${operatorId}`, operatorId, name: operatorId, operatorKind: 'bank', publicKey, reserveRatioBps: 10_000, issueQuotaAuto: 0n }, key),
        'reg',
      );
      await step(operators, ({ operatorId, reserve }) => (reserve ? creditReserveMessage({ commandId: `rtgs-${operatorId}`, operatorId, amount: reserve, reference: 'test' }, key) : null), 'rtgs');
      await step(operators, ({ operatorId, issue }) => (issue ? issueMessage({ commandId: `issue-${operatorId}`, operatorId, amount: issue, requestId: `r-${operatorId}` }, key) : null), 'issue');
    },
    async close() {
      await started.engine.close();
      await started.producer.disconnect();
      await pool.end();
      await database.drop();
    },
  };
}
