// Proves the compiled central bank, run as a process against the real stack, serves its API and /docs, settles an operator's signed issue request end to end over Kafka, and keeps its signing key and API keys across a restart (made once, at first start).
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Consumer, Producer } from 'kafkajs';
import { issueRecallRequestMessage, issueRecallStatusV1, operatorEventsTopic, type IssueRecallStatusV1 } from '@cbdc/contracts';
import { generateKeyPairFast, toHex } from '@cbdc/crypto';
import { createKafka, createProducer } from '@cbdc/platform';
import { appEntry, freshDatabase, kafkaBrokersOf, startApp, testStackEnv, uniqueSuffix, waitFor, type AppProcess, type FreshDatabase } from '@cbdc/testing';

jest.setTimeout(300_000);

const requestTimeoutMs = 30_000;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

describe('central bank API as a process', () => {
  const stack = testStackEnv();
  const suffix = uniqueSuffix();
  const keysDir = mkdtempSync(path.join(tmpdir(), 'cb-e2e-keys-'));
  const keysFile = path.join(keysDir, 'central-bank-api-keys.json');
  const controlTopic = `test.e2e-control.${suffix}`;
  const operator = { id: `e2e-${suffix}`, keys: generateKeyPairFast() };
  const statuses: IssueRecallStatusV1[] = [];
  const kafka = createKafka({ brokers: kafkaBrokersOf(stack), clientId: `cb-e2e-${suffix}` });
  let database: FreshDatabase;
  let app: AppProcess;
  let port: number;
  let producer: Producer;
  let consumer: Consumer;
  let staffKey: string;

  function start(): AppProcess {
    return startApp({
      name: 'central-bank',
      entry: appEntry('central-bank'),
      port,
      env: {
        DATABASE_URL: database.url,
        REDIS_URL: stack.REDIS_URL,
        KAFKA_BROKERS: stack.KAFKA_BROKERS,
        LEDGER_COMMANDS_TOPIC: `test.e2e-ledger.${suffix}`,
        CONTROL_TOPIC: controlTopic,
        CONSUMER_GROUP_PREFIX: `test-e2e-cb-${suffix}`,
        API_KEYS_FILE: keysFile,
        LEDGER_VERIFY_POOL_SIZE: '1',
        LOG_LEVEL: 'warn',
      },
    });
  }

  async function call(method: 'GET' | 'POST', route: string, body?: unknown, key: string | null = staffKey): Promise<{ status: number; body: Record<string, unknown> }> {
    const headers: Record<string, string> = {};
    if (key) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${app.url}${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(requestTimeoutMs) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function requestIssue(requestId: string, amount: bigint): Promise<void> {
    const message = issueRecallRequestMessage({ requestId, operatorId: operator.id, direction: 'issue', amount }, operator.keys.privateKey);
    await producer.send({ topic: controlTopic, acks: -1, messages: [{ key: message.key, value: message.value }] });
  }

  beforeAll(async () => {
    database = await freshDatabase('e2e_central_bank_api');
    port = await freePort();
    app = start();
    await app.waitUntilHealthy();
    staffKey = (JSON.parse(readFileSync(keysFile, 'utf8')) as { staff: { key: string } }).staff.key;
    producer = await createProducer(kafka);
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    await app?.stop();
    await database?.drop();
    rmSync(keysDir, { recursive: true, force: true });
  });

  it('writes its API keys at first start with mode 0600 and describes its API at /docs', async () => {
    expect(statSync(keysFile).mode & 0o777).toBe(0o600);
    const docs = await fetch(`${app.url}/docs-json`);
    expect(docs.status).toBe(200);
    const paths = Object.keys(((await docs.json()) as { paths: object }).paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/v1/central-bank',
        '/v1/operators',
        '/v1/operators/{operatorId}/reserve-credits',
        '/v1/issue-recall-requests/{requestId}/approve',
        '/v1/policy',
        '/v1/supply',
        '/v1/accounts/{accountId}/entries',
      ]),
    );
  });

  it('registers an operator, credits its reserves and settles its signed issue request over Kafka', async () => {
    const registered = await call('POST', '/v1/operators', { operatorId: operator.id, name: 'E2E Bank', kind: 'bank', publicKey: toHex(operator.keys.publicKey), issueQuotaAuto: '1000000' });
    expect(registered.status).toBe(201);
    consumer = kafka.consumer({ groupId: `test-e2e-operator-${suffix}` });
    await consumer.connect();
    await consumer.subscribe({ topic: operatorEventsTopic(operator.id), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const body = JSON.parse(message.value!.toString()) as { type: string };
        if (body.type === issueRecallStatusV1.type) statuses.push(issueRecallStatusV1.parse(body, ''));
      },
    });
    expect((await call('POST', `/v1/operators/${operator.id}/reserve-credits`, { creditId: `e2e-${suffix}`, amount: '2000000', reference: 'RTGS e2e' })).status).toBe(201);
    await requestIssue(`e2e-req-1-${suffix}`, 750_000n);
    await waitFor(() => statuses.find((s) => s.requestId === `e2e-req-1-${suffix}` && s.status === 'settled'), requestTimeoutMs, { what: 'the settled status' });
    expect(await call('GET', `/v1/accounts/vault:${operator.id}`)).toMatchObject({ status: 200, body: { balance: '750000' } });
    const supply = await call('GET', '/v1/supply');
    expect(supply.body).toMatchObject({ ok: true, outstanding: '750000' });
  });

  it('keeps its signing key and API keys across a restart, and answers a repeated request with the stored status', async () => {
    const keyBefore = (await call('GET', '/v1/central-bank', undefined, null)).body.publicKey;
    const fileBefore = readFileSync(keysFile, 'utf8');
    await app.stop();
    app = start();
    await app.waitUntilHealthy();
    expect((await call('GET', '/v1/central-bank', undefined, null)).body.publicKey).toBe(keyBefore);
    expect(readFileSync(keysFile, 'utf8')).toBe(fileBefore);
    expect((await call('GET', '/v1/operators')).status).toBe(200);

    await requestIssue(`e2e-req-1-${suffix}`, 750_000n);
    await waitFor(() => statuses.filter((s) => s.requestId === `e2e-req-1-${suffix}` && s.status === 'settled').length >= 2, requestTimeoutMs, {
      what: 'the stored status answered again',
    });
    expect(await call('GET', `/v1/accounts/vault:${operator.id}`)).toMatchObject({ body: { balance: '750000' } });
    const supply = await call('GET', '/v1/supply');
    expect(supply.body).toMatchObject({ ok: true, issued: '750000' });
  });
});
