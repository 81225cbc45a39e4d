// Proves that while the ledger engine is not answering, a write answers 504 LEDGER_TIMEOUT without losing or doubling anything: once the engine is back, the repeated call gets the single decision, and an issue request left on its way is settled by the sweep and answered to the operator.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Consumer, Producer } from 'kafkajs';
import { Pool } from 'pg';
import { issueRecallRequestMessage, issueRecallStatusV1, operatorEventsTopic, type IssueRecallStatusV1 } from '@cbdc/contracts';
import { generateKeyPairFast, toHex } from '@cbdc/crypto';
import { createKafka, createPool, createProducer, loadSettings } from '@cbdc/platform';
import { freshDatabase, kafkaBrokersOf, staffKeyOf, startNestApp, testLogger, testStackEnv, uniqueSuffix, waitFor, type FreshDatabase } from '@cbdc/testing';
import { CentralBankModule } from './central-bank.module';
import { centralBankSettings } from './central-bank.settings';
import { LedgerEngineHost } from './ledger-access/ledger-engine.host';

jest.setTimeout(180_000);

const logger = testLogger('ledger-timeout-test');
const answerTimeoutMs = 1_000;

describe('central bank while the ledger engine does not answer', () => {
  const env = testStackEnv();
  const suffix = uniqueSuffix();
  const controlTopic = `test.control.${suffix}`;
  const keysDir = mkdtempSync(path.join(tmpdir(), 'cb-timeout-keys-'));
  const keysFile = path.join(keysDir, 'keys.json');
  const kafka = createKafka({ brokers: kafkaBrokersOf(env), clientId: `cb-timeout-test-${suffix}` });
  const operator = { id: `t-${suffix}`, keys: generateKeyPairFast() };
  const statuses: IssueRecallStatusV1[] = [];
  let database: FreshDatabase;
  let pool: Pool;
  let app: NestFastifyApplication;
  let url: string;
  let staffKey: string;
  let producer: Producer;
  let consumer: Consumer;

  async function post(route: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${url}${route}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${staffKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function reserve(): Promise<string> {
    const response = await fetch(`${url}/v1/accounts/reserve:${operator.id}`, { headers: { authorization: `Bearer ${staffKey}` } });
    return ((await response.json()) as { balance: string }).balance;
  }

  beforeAll(async () => {
    database = await freshDatabase('central_bank_timeout');
    pool = createPool({ url: database.url, applicationName: 'ledger-timeout-test' });
    const settings = loadSettings(centralBankSettings, {
      DATABASE_URL: database.url,
      REDIS_URL: env.REDIS_URL,
      KAFKA_BROKERS: env.KAFKA_BROKERS,
      LEDGER_COMMANDS_TOPIC: `test.ledger-commands.${suffix}`,
      CONTROL_TOPIC: controlTopic,
      CONSUMER_GROUP_PREFIX: `test-cb-${suffix}`,
      API_KEYS_FILE: keysFile,
      LEDGER_ANSWER_TIMEOUT_MS: String(answerTimeoutMs),
      LEDGER_VERIFY_POOL_SIZE: '1',
      LOG_LEVEL: 'warn',
    });
    ({ app, url } = await startNestApp(CentralBankModule.forRoot(settings, logger), logger));
    staffKey = staffKeyOf(keysFile);
    producer = await createProducer(kafka);
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    await app?.close();
    await pool?.end();
    await database?.drop();
    rmSync(keysDir, { recursive: true, force: true });
  });

  it('answers 504 LEDGER_TIMEOUT while the engine is stopped, and the single decision once it is back', async () => {
    const registered = await post('/v1/operators', { operatorId: operator.id, name: 'T', kind: 'bank', publicKey: toHex(operator.keys.publicKey), issueQuotaAuto: '1000' });
    expect(registered.status).toBe(201);
    consumer = kafka.consumer({ groupId: `test-timeout-operator-${suffix}` });
    await consumer.connect();
    await consumer.subscribe({ topic: operatorEventsTopic(operator.id), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const body = JSON.parse(message.value!.toString()) as { type: string };
        if (body.type === issueRecallStatusV1.type) statuses.push(issueRecallStatusV1.parse(body, ''));
      },
    });
    expect((await post(`/v1/operators/${operator.id}/reserve-credits`, { creditId: `first-${suffix}`, amount: '5000', reference: 'RTGS 1' })).status).toBe(201);

    const engine = app.get(LedgerEngineHost);
    await engine.onModuleDestroy();
    const credit = { creditId: `late-${suffix}`, amount: '700', reference: 'RTGS 2' };
    expect(await post(`/v1/operators/${operator.id}/reserve-credits`, credit)).toMatchObject({ status: 504, body: { code: 'LEDGER_TIMEOUT', commandId: `cb:credit-reserve:late-${suffix}` } });
    // An issue within the quota: stored as submitted, its command on the topic, no decision yet.
    const message = issueRecallRequestMessage({ requestId: `late-req-${suffix}`, operatorId: operator.id, direction: 'issue', amount: 1_000n }, operator.keys.privateKey);
    await producer.send({ topic: controlTopic, acks: -1, messages: [message] });
    await waitFor(async () => (await pool.query(`select 1 from issue_recall_requests where request_id = $1 and status = 'submitted'`, [`late-req-${suffix}`])).rows.length === 1, 30_000, {
      what: 'the request stored as submitted',
    });
    expect(await reserve()).toBe('5000');

    await engine.onModuleInit();
    // The command the timed-out call put on the topic was not lost: the engine decides it on return.
    await waitFor(async () => (await pool.query(`select 1 from ledger_commands where command_id = $1`, [`cb:credit-reserve:late-${suffix}`])).rows.length === 1, 30_000, {
      what: 'the timed-out credit decided',
    });
    const repeated = await post(`/v1/operators/${operator.id}/reserve-credits`, credit);
    expect(repeated).toMatchObject({ status: 201, body: { status: 'accepted', amount: '700' } });
    const settled = await waitFor(() => statuses.find((s) => s.requestId === `late-req-${suffix}` && s.status === 'settled'), 30_000, { what: 'the sweep settling the request' });
    expect(settled.amount).toBe(1_000n);
    expect(await reserve()).toBe(String(5_000 + 700 - 1_000));
    const commands = await pool.query<{ n: string }>(`select count(*) as n from ledger_commands where command_id = any($1)`, [[`cb:credit-reserve:late-${suffix}`, `cb:issue:late-req-${suffix}`]]);
    expect(commands.rows[0]!.n).toBe('2');
  });
});
