// Proves the ledger engine accepts a regulator's audit record signed by the configured regulator
// key as a ledger entry that moves no money, answers it on the regulator's events topic, and
// refuses (without remembering) one signed by another key or sent to an engine without the key.
import path from 'node:path';
import type { Producer } from 'kafkajs';
import { Pool } from 'pg';
import { auditRecordMessage, commandResultsV1, KeyedMessage, operatorEventsTopic, type MessageDefinition, MessageRegistry } from '@cbdc/contracts';
import { generateKeyPairFast, toHex } from '@cbdc/crypto';
import { createPolicy } from '@cbdc/ledger';
import { createKafka, createPool, createProducer, ensureTopics, runMigrations } from '@cbdc/platform';
import { freshDatabase, FreshDatabase, kafkaBrokersOf, testLogger, testStackEnv, uniqueSuffix, waitFor } from '@cbdc/testing';
import { regulatorResultOperatorId } from './ledger-command-intake';
import { startLedgerEngine, LedgerEngineRuntime } from './ledger-engine.runtime';

jest.setTimeout(120_000);

const logger = testLogger('ledger-engine-audit-test');
const policy = createPolicy();
const results = new MessageRegistry([commandResultsV1 as unknown as MessageDefinition<unknown>]);

describe('ledger engine: regulator audit records', () => {
  const env = testStackEnv();
  const brokers = kafkaBrokersOf(env);
  const suffix = uniqueSuffix();
  const topic = `test.ledger-commands.${suffix}`;
  const centralBank = generateKeyPairFast();
  const regulator = generateKeyPairFast();
  const impostor = generateKeyPairFast();
  const kafka = createKafka({ brokers, clientId: `test-${suffix}` });
  let database: FreshDatabase;
  let pool: Pool;
  let producer: Producer;
  let runtime: LedgerEngineRuntime | null = null;
  const consumer = kafka.consumer({ groupId: `test-audit-results-${suffix}` });
  const answers = new Map<string, { status: string; code?: string }>();

  async function send(messages: readonly KeyedMessage[]): Promise<void> {
    await producer.send({ topic, acks: -1, messages: messages.map((m) => ({ key: m.key, value: m.value })) });
  }

  async function start(regulatorPublicKey: Uint8Array | null, group: string): Promise<void> {
    await runtime?.close();
    runtime = null;
    runtime = await startLedgerEngine({
      databaseUrl: database.url,
      kafkaBrokers: brokers,
      topic,
      partitions: 1,
      consumerGroup: group,
      centralBankPublicKey: centralBank.publicKey,
      regulatorPublicKey,
      policy: () => policy,
      logger,
      verifyPoolSize: 1,
    });
  }

  async function rowOf(commandId: string) {
    const result = await pool.query<{ status: string; sequence: string | null; amount: string | null; operator_id: string; facts: unknown }>(
      'select status, sequence, amount, operator_id, facts from ledger_commands where command_id = $1',
      [commandId],
    );
    return result.rows[0];
  }

  beforeAll(async () => {
    database = await freshDatabase('ledger_engine_audit');
    pool = createPool({ url: database.url, applicationName: 'ledger-engine-audit-test' });
    await runMigrations(pool, path.join(__dirname, '..', '..', 'migrations'));
    await ensureTopics(kafka, [{ name: topic, partitions: 1 }]);
    producer = await createProducer(kafka);
    await ensureTopics(kafka, [{ name: operatorEventsTopic(regulatorResultOperatorId), partitions: 1 }]);
    await consumer.connect();
    await consumer.subscribe({ topic: operatorEventsTopic(regulatorResultOperatorId), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const envelope = results.decode(message.value!);
        if (envelope.type !== commandResultsV1.type) return;
        for (const result of (envelope.body as { results: { commandId: string; status: string; code?: string }[] }).results) answers.set(result.commandId, result);
      },
    });
  });

  afterAll(async () => {
    await runtime?.close();
    await consumer.disconnect();
    await producer?.disconnect();
    await pool?.end();
    await database?.drop();
  });

  it('without a configured regulator key, refuses every audit record and stores nothing', async () => {
    await start(null, `test-audit-a-${suffix}`);
    const digest = toHex(new Uint8Array(32).fill(7));
    await send([auditRecordMessage({ commandId: `audit-none-${suffix}`, recordId: 'unmasking-none', digest }, regulator.privateKey)]);
    await waitFor(async () => answers.has(`audit-none-${suffix}`), 30_000, { what: 'the answer to the audit record' });
    expect(answers.get(`audit-none-${suffix}`)).toMatchObject({ status: 'rejected', code: 'UNKNOWN_OPERATOR' });
    expect(await rowOf(`audit-none-${suffix}`)).toBeUndefined();
    await runtime!.close();
    runtime = null;
  });

  it('accepts an audit record under the regulator key as an entry without money, and refuses a forgery', async () => {
    answers.clear();
    await start(regulator.publicKey, `test-audit-b-${suffix}`);

    const digest = toHex(new Uint8Array(32).fill(9));
    const good = auditRecordMessage({ commandId: `audit-good-${suffix}`, recordId: 'unmasking-1', digest }, regulator.privateKey);
    const forged = auditRecordMessage({ commandId: `audit-forged-${suffix}`, recordId: 'unmasking-2', digest }, impostor.privateKey);
    await send([good, forged, good]);
    await waitFor(async () => answers.has(`audit-good-${suffix}`) && answers.has(`audit-forged-${suffix}`), 30_000, { what: 'answers on the regulator topic' });

    const row = await rowOf(`audit-good-${suffix}`);
    expect(row).toMatchObject({ status: 'accepted', amount: null, operator_id: regulatorResultOperatorId, facts: { recordId: 'unmasking-1', digest } });
    expect(row!.sequence).not.toBeNull();
    expect(answers.get(`audit-forged-${suffix}`)).toMatchObject({ status: 'rejected', code: 'BAD_SIGNATURE' });
    expect(await rowOf(`audit-forged-${suffix}`)).toBeUndefined();
    // The record refused earlier (no key then) is accepted now that the key is configured: it was never remembered.
    await waitFor(async () => (await rowOf(`audit-none-${suffix}`))?.status === 'accepted', 30_000, { what: 'the earlier audit record replayed' });
    const money = await pool.query<{ n: string }>("select count(*) as n from ledger_commands where command_type = 'ledger.audit-record' and amount is not null");
    expect(money.rows[0]!.n).toBe('0');
  });
});
