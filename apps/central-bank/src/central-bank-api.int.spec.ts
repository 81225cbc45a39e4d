// Proves the central bank app, run in-process against the real PostgreSQL, Kafka and Redis, registers operators, credits reserves, issues and recalls over Kafka (within quota, after approval, rejected), stays idempotent, refuses forged requests, keeps every supply invariant, enforces API key roles, audits every write and answers bad input with stable 4xx codes.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { Pool } from 'pg';
import {
  encodeMessage,
  issueRecallRequestMessage,
  issueRecallRequestV1,
  issueRecallStatusV1,
  loadMessage,
  operatorEventsTopic,
  paymentMessage,
  registerWalletMessage,
  type IssueRecallStatusV1,
  type KeyedMessage,
} from '@cbdc/contracts';
import { generateKeyPairFast, toHex, walletIdFromPublicKey, type Ed25519KeyPair } from '@cbdc/crypto';
import { createKafka, createPool, createProducer, loadSettings } from '@cbdc/platform';
import { freshDatabase, kafkaBrokersOf, startNestApp, testLogger, testStackEnv, uniqueSuffix, waitFor, type FreshDatabase } from '@cbdc/testing';
import { CentralBankModule } from './central-bank.module';
import { centralBankSettings } from './central-bank.settings';

jest.setTimeout(180_000);

const logger = testLogger('central-bank-api-test');
const waitMs = 30_000;

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

interface TestOperator {
  readonly id: string;
  readonly keys: Ed25519KeyPair;
  /** Issue/recall statuses received on its events topic, in order. */
  readonly statuses: IssueRecallStatusV1[];
}

describe('central bank API (in-process, real stack)', () => {
  const env = testStackEnv();
  const suffix = uniqueSuffix();
  const controlTopic = `test.control.${suffix}`;
  const ledgerTopic = `test.ledger-commands.${suffix}`;
  const keysDir = mkdtempSync(path.join(tmpdir(), 'cb-keys-'));
  const keysFile = path.join(keysDir, 'nested', 'api-keys.json');
  const kafka: Kafka = createKafka({ brokers: kafkaBrokersOf(env), clientId: `cb-api-test-${suffix}` });
  const opA: TestOperator = { id: `a-${suffix}`, keys: generateKeyPairFast(), statuses: [] };
  const opB: TestOperator = { id: `b-${suffix}`, keys: generateKeyPairFast(), statuses: [] };
  let database: FreshDatabase;
  let pool: Pool;
  let app: NestFastifyApplication;
  let url: string;
  let producer: Producer;
  let eventsConsumer: Consumer;
  let staffKey: string;
  let auditorKey: string;
  /** Every write this test made, to compare with the audit log. */
  const writes: { method: string; path: string; status: number }[] = [];

  async function call(method: 'GET' | 'POST' | 'PUT', route: string, options: { key?: string | null; body?: unknown; rawBody?: string } = {}): Promise<Answer> {
    const key = options.key === undefined ? staffKey : options.key;
    const headers: Record<string, string> = {};
    if (key) headers.authorization = `Bearer ${key}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${url}${route}`, { method, headers, body, signal: AbortSignal.timeout(waitMs) });
    const text = await response.text();
    if (method !== 'GET') writes.push({ method, path: route, status: response.status });
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  async function sendRequest(operator: TestOperator, requestId: string, direction: 'issue' | 'recall', amount: bigint, signer = operator.keys): Promise<void> {
    const message: KeyedMessage = issueRecallRequestMessage({ requestId, operatorId: operator.id, direction, amount }, signer.privateKey);
    await producer.send({ topic: controlTopic, acks: -1, messages: [{ key: message.key, value: message.value }] });
  }

  async function statusOf(operator: TestOperator, requestId: string, status: IssueRecallStatusV1['status'], count = 1): Promise<IssueRecallStatusV1> {
    return waitFor(
      () => {
        const seen = operator.statuses.filter((s) => s.requestId === requestId && s.status === status);
        return seen.length >= count ? seen[seen.length - 1] : undefined;
      },
      waitMs,
      { what: `${count} '${status}' status(es) of ${requestId} on ${operator.id}'s topic` },
    );
  }

  async function balance(accountId: string): Promise<bigint> {
    const answer = await call('GET', `/v1/accounts/${accountId}`);
    expect(answer.status).toBe(200);
    return BigInt(answer.body.balance as string);
  }

  async function registerOperator(operator: TestOperator, issueQuotaAuto: string): Promise<Answer> {
    return call('POST', '/v1/operators', {
      body: { operatorId: operator.id, name: `Operator ${operator.id}`, kind: 'bank', publicKey: toHex(operator.keys.publicKey), issueQuotaAuto },
    });
  }

  beforeAll(async () => {
    database = await freshDatabase('central_bank_api');
    pool = createPool({ url: database.url, applicationName: 'central-bank-api-test' });
    const settings = loadSettings(centralBankSettings, {
      PORT: '7399',
      DATABASE_URL: database.url,
      REDIS_URL: env.REDIS_URL,
      KAFKA_BROKERS: env.KAFKA_BROKERS,
      LEDGER_COMMANDS_TOPIC: ledgerTopic,
      CONTROL_TOPIC: controlTopic,
      CONSUMER_GROUP_PREFIX: `test-cb-${suffix}`,
      API_KEYS_FILE: keysFile,
      LEDGER_VERIFY_POOL_SIZE: '1',
      LOG_LEVEL: 'warn',
    });
    ({ app, url } = await startNestApp(CentralBankModule.forRoot(settings, logger), logger));
    producer = await createProducer(kafka);
    const keys = JSON.parse(readFileSync(keysFile, 'utf8')) as { staff: { key: string }; auditor: { key: string } };
    staffKey = keys.staff.key;
    auditorKey = keys.auditor.key;
  });

  afterAll(async () => {
    await eventsConsumer?.disconnect();
    await producer?.disconnect();
    await app?.close();
    await pool?.end();
    await database?.drop();
    rmSync(keysDir, { recursive: true, force: true });
  });

  it('writes one API key per role at first start, readable by its owner only, and keeps only their hashes', async () => {
    expect(statSync(keysFile).mode & 0o777).toBe(0o600);
    const stored = await pool.query<{ role: string; key_sha256: Buffer }>('select role, key_sha256 from api_keys order by role');
    expect(stored.rows.map((r) => r.role)).toEqual(['auditor', 'staff']);
    const dump = JSON.stringify(stored.rows.map((r) => r.key_sha256.toString('hex')));
    expect(dump).not.toContain(staffKey.split('.')[1]);
  });

  it('answers its public key, the one stored in its database', async () => {
    const info = await call('GET', '/v1/central-bank', { key: null });
    expect(info.status).toBe(200);
    const stored = await pool.query<{ public_key: Buffer }>('select public_key from central_bank_keys');
    expect(info.body.publicKey).toBe(stored.rows[0]!.public_key.toString('hex'));
    expect(info.body.publicKey).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses calls without a key (401), with an unknown key (401), and writes by an auditor (403)', async () => {
    expect(await call('GET', '/v1/supply', { key: null })).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED' } });
    expect(await call('GET', '/v1/supply', { key: 'staff-00000000.nope' })).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED' } });
    expect((await call('GET', '/v1/supply', { key: auditorKey })).status).toBe(200);
    expect(await call('POST', '/v1/operators', { key: auditorKey, body: {} })).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect(await call('PUT', '/v1/policy', { key: auditorKey, body: {} })).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect(await call('POST', '/v1/operators', { key: null, body: {} })).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED' } });
    // Health, metrics and the app info stay open.
    for (const open of ['/health', '/metrics', '/']) expect((await fetch(`${url}${open}`)).status).toBe(200);
  });

  it('registers operators with their events topics, and refuses a second registration of an id with 409 OPERATOR_EXISTS', async () => {
    const a = await registerOperator(opA, '500000');
    expect(a).toMatchObject({ status: 201, body: { operatorId: opA.id, kind: 'bank', reserveRatioBps: 10000, issueQuotaAuto: '500000', reserve: '0', vault: '0' } });
    expect((await registerOperator(opB, '1000000')).status).toBe(201);
    expect(await registerOperator(opA, '1')).toMatchObject({ status: 409, body: { code: 'OPERATOR_EXISTS' } });
    const admin = kafka.admin();
    await admin.connect();
    const topics = await admin.listTopics();
    await admin.disconnect();
    expect(topics).toEqual(expect.arrayContaining([operatorEventsTopic(opA.id), operatorEventsTopic(opB.id)]));

    // From here on, the test plays both operators: it reads their events topics.
    eventsConsumer = kafka.consumer({ groupId: `test-operators-${suffix}` });
    await eventsConsumer.connect();
    await eventsConsumer.subscribe({ topics: [operatorEventsTopic(opA.id), operatorEventsTopic(opB.id)], fromBeginning: true });
    await eventsConsumer.run({
      eachMessage: async ({ topic, message }) => {
        const body = JSON.parse(message.value!.toString()) as { type: string };
        if (body.type !== issueRecallStatusV1.type) return;
        const status = issueRecallStatusV1.parse(body, '');
        // Each operator sees only its own topic: a status for another operator here is a leak.
        expect(topic).toBe(operatorEventsTopic(status.operatorId));
        (status.operatorId === opA.id ? opA : opB).statuses.push(status);
      },
    });

    const listed = await call('GET', '/v1/operators', { key: auditorKey });
    expect((listed.body.operators as { operatorId: string }[]).map((o) => o.operatorId)).toEqual(expect.arrayContaining([opA.id, opB.id]));
    expect(await call('GET', `/v1/operators/${opA.id}`)).toMatchObject({ status: 200, body: { operatorId: opA.id, books: { issued: '0' } } });
    expect(await call('GET', '/v1/operators/no-such-operator')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
  });

  it('answers bad input with 400 VALIDATION_FAILED naming the field, never a 500', async () => {
    const valid = { operatorId: `c-${suffix}`, name: 'C', kind: 'bank', publicKey: toHex(generateKeyPairFast().publicKey), issueQuotaAuto: '1' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...valid, issueQuotaAuto: 100 }, 'issueQuotaAuto'],
      [{ ...valid, publicKey: 'zz'.repeat(32) }, 'publicKey'],
      [{ ...valid, publicKey: 'ab'.repeat(31) }, 'publicKey'],
      [{ ...valid, operatorId: 'Bank_A' }, 'operatorId'],
      [{ ...valid, kind: 'casino' }, 'kind'],
      [{ ...valid, reserveRatioBps: 5000 }, 'reserveRatioBps'],
      [{ ...valid, extra: true }, 'extra'],
    ];
    for (const [body, field] of cases) {
      expect(await call('POST', '/v1/operators', { body })).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', field } });
    }
    const credit = (body: Record<string, unknown>) => call('POST', `/v1/operators/${opA.id}/reserve-credits`, { body });
    expect(await credit({ creditId: 'c-num', amount: 1000, reference: 'r' })).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', field: 'amount' } });
    expect(await credit({ creditId: 'c-neg', amount: '-5', reference: 'r' })).toMatchObject({ status: 400, body: { field: 'amount' } });
    expect(await credit({ creditId: 'c-frac', amount: '10.5', reference: 'r' })).toMatchObject({ status: 400, body: { field: 'amount' } });
    expect(await credit({ creditId: 'c-ref', amount: '10' })).toMatchObject({ status: 400, body: { field: 'reference' } });
    expect((await call('POST', `/v1/operators/${opA.id}/reserve-credits`, { rawBody: '{"creditId": ' })).status).toBe(400);
    expect(await call('POST', '/v1/operators/no-such-operator/reserve-credits', { body: { creditId: 'c-x', amount: '10', reference: 'r' } })).toMatchObject({
      status: 404,
      body: { code: 'NOT_FOUND' },
    });
    expect(await call('GET', '/v1/no-such-route')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect(await call('GET', `/v1/accounts/reserve:${opA.id}/entries?limit=501`)).toMatchObject({ status: 400, body: { field: 'limit' } });
    expect(await call('GET', '/v1/issue-recall-requests?status=lost')).toMatchObject({ status: 400, body: { field: 'status' } });
  });

  it('credits reserves once per creditId: a repeat gets the first answer, another amount under the same id is a conflict', async () => {
    const first = await call('POST', `/v1/operators/${opA.id}/reserve-credits`, { body: { creditId: `rtgs-a-${suffix}`, amount: '1000000', reference: 'RTGS 1' } });
    expect(first).toMatchObject({ status: 201, body: { status: 'accepted', amount: '1000000', reference: 'RTGS 1', operatorId: opA.id } });
    const repeat = await call('POST', `/v1/operators/${opA.id}/reserve-credits`, { body: { creditId: `rtgs-a-${suffix}`, amount: '1000000', reference: 'RTGS 1' } });
    expect(repeat).toEqual(first);
    expect(await balance(`reserve:${opA.id}`)).toBe(1_000_000n);
    const conflict = await call('POST', `/v1/operators/${opA.id}/reserve-credits`, { body: { creditId: `rtgs-a-${suffix}`, amount: '999', reference: 'RTGS 1' } });
    expect(conflict).toMatchObject({ status: 409, body: { code: 'CREDIT_ID_CONFLICT' } });
    expect((await call('POST', `/v1/operators/${opB.id}/reserve-credits`, { body: { creditId: `rtgs-b-${suffix}`, amount: '100000', reference: 'RTGS 2' } })).status).toBe(201);
    expect(await balance(`reserve:${opA.id}`)).toBe(1_000_000n);
    expect(await balance(`reserve:${opB.id}`)).toBe(100_000n);
  });

  it('settles an issue within the automatic quota at once, and answers the operator on its own topic', async () => {
    await sendRequest(opA, `a-issue-1-${suffix}`, 'issue', 300_000n);
    const settled = await statusOf(opA, `a-issue-1-${suffix}`, 'settled');
    expect(settled).toMatchObject({ direction: 'issue', amount: 300_000n });
    expect(await balance(`vault:${opA.id}`)).toBe(300_000n);
    expect(await balance(`reserve:${opA.id}`)).toBe(700_000n);
  });

  it('keeps an issue above the quota for staff approval, then settles it once approved', async () => {
    await sendRequest(opA, `a-issue-2-${suffix}`, 'issue', 600_000n);
    await statusOf(opA, `a-issue-2-${suffix}`, 'pending-approval');
    expect(await balance(`vault:${opA.id}`)).toBe(300_000n);
    const queue = await call('GET', '/v1/issue-recall-requests?status=pending-approval', { key: auditorKey });
    expect((queue.body.requests as { requestId: string }[]).map((r) => r.requestId)).toContain(`a-issue-2-${suffix}`);
    expect(await call('POST', `/v1/issue-recall-requests/a-issue-2-${suffix}/approve`, { key: auditorKey })).toMatchObject({ status: 403 });
    const approved = await call('POST', `/v1/issue-recall-requests/a-issue-2-${suffix}/approve`);
    expect(approved).toMatchObject({ status: 200, body: { status: 'settled', amount: '600000', code: null } });
    expect(approved.body.reviewedBy).toMatch(/^staff-/);
    await statusOf(opA, `a-issue-2-${suffix}`, 'settled');
    expect(await balance(`vault:${opA.id}`)).toBe(900_000n);
    expect(await call('POST', `/v1/issue-recall-requests/a-issue-2-${suffix}/approve`)).toMatchObject({ status: 409, body: { code: 'NOT_PENDING_APPROVAL' } });
    expect(await call('POST', '/v1/issue-recall-requests/no-such-request/approve')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
  });

  it('rejects issues the reserves cannot cover (INSUFFICIENT_RESERVES), automatic or approved, and lets staff reject with a reason', async () => {
    await sendRequest(opB, `b-issue-1-${suffix}`, 'issue', 200_000n);
    expect(await statusOf(opB, `b-issue-1-${suffix}`, 'rejected')).toMatchObject({ code: 'INSUFFICIENT_RESERVES' });
    expect(await balance(`reserve:${opB.id}`)).toBe(100_000n);

    await sendRequest(opA, `a-issue-3-${suffix}`, 'issue', 5_000_000n);
    await statusOf(opA, `a-issue-3-${suffix}`, 'pending-approval');
    const approved = await call('POST', `/v1/issue-recall-requests/a-issue-3-${suffix}/approve`);
    expect(approved).toMatchObject({ status: 422, body: { code: 'INSUFFICIENT_RESERVES', request: { status: 'rejected' } } });
    expect(await statusOf(opA, `a-issue-3-${suffix}`, 'rejected')).toMatchObject({ code: 'INSUFFICIENT_RESERVES' });

    await sendRequest(opA, `a-issue-4-${suffix}`, 'issue', 600_000n);
    await statusOf(opA, `a-issue-4-${suffix}`, 'pending-approval');
    expect(await call('POST', `/v1/issue-recall-requests/a-issue-4-${suffix}/reject`, { body: {} })).toMatchObject({ status: 400, body: { field: 'reason' } });
    const rejected = await call('POST', `/v1/issue-recall-requests/a-issue-4-${suffix}/reject`, { body: { reason: 'above this week\'s plan' } });
    expect(rejected).toMatchObject({ status: 200, body: { status: 'rejected', code: 'REJECTED_BY_STAFF', detail: 'above this week\'s plan' } });
    expect(await statusOf(opA, `a-issue-4-${suffix}`, 'rejected')).toMatchObject({ code: 'REJECTED_BY_STAFF' });
    expect(await balance(`vault:${opA.id}`)).toBe(900_000n);
  });

  it('recalls without approval, whatever the amount, and refuses a recall the vault cannot cover', async () => {
    await sendRequest(opA, `a-recall-1-${suffix}`, 'recall', 700_000n);
    await statusOf(opA, `a-recall-1-${suffix}`, 'settled');
    expect(await balance(`vault:${opA.id}`)).toBe(200_000n);
    expect(await balance(`reserve:${opA.id}`)).toBe(800_000n);
    await sendRequest(opA, `a-recall-2-${suffix}`, 'recall', 200_001n);
    expect(await statusOf(opA, `a-recall-2-${suffix}`, 'rejected')).toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
  });

  it('answers a repeated request with its stored status and applies it once; another operator reusing the id is told it is taken', async () => {
    await sendRequest(opA, `a-issue-1-${suffix}`, 'issue', 300_000n);
    await statusOf(opA, `a-issue-1-${suffix}`, 'settled', 2);
    await sendRequest(opA, `a-issue-4-${suffix}`, 'issue', 600_000n);
    await statusOf(opA, `a-issue-4-${suffix}`, 'rejected', 2);
    const commands = await pool.query<{ n: string }>(`select count(*) as n from ledger_commands where facts->>'requestId' = $1`, [`a-issue-1-${suffix}`]);
    expect(commands.rows[0]!.n).toBe('1');
    expect(await balance(`vault:${opA.id}`)).toBe(200_000n);
    await sendRequest(opB, `a-issue-1-${suffix}`, 'issue', 1n);
    expect(await statusOf(opB, `a-issue-1-${suffix}`, 'rejected')).toMatchObject({ code: 'REQUEST_ID_TAKEN', amount: 1n });
    expect((await call('GET', `/v1/issue-recall-requests/a-issue-1-${suffix}`)).body).toMatchObject({ operatorId: opA.id, status: 'settled' });
  });

  it('refuses a request whose signature is not the operator\'s, without storing or answering it', async () => {
    const forger = generateKeyPairFast();
    await sendRequest(opA, `a-forged-${suffix}`, 'issue', 1_000n, forger);
    // A request signed over other bytes than it carries (the amount changed after signing).
    const genuine = JSON.parse(issueRecallRequestMessage({ requestId: `a-tampered-${suffix}`, operatorId: opA.id, direction: 'issue', amount: 1n }, opA.keys.privateKey).value) as Record<string, unknown>;
    const tampered = encodeMessage(issueRecallRequestV1, issueRecallRequestV1.parse({ ...genuine, amount: '100000' }, ''));
    await producer.send({ topic: controlTopic, acks: -1, messages: [{ key: opA.id, value: tampered }] });
    await sendRequest(opA, `a-marker-${suffix}`, 'issue', 1n);
    await statusOf(opA, `a-marker-${suffix}`, 'settled');
    const stored = await pool.query('select request_id from issue_recall_requests where request_id = any($1)', [[`a-forged-${suffix}`, `a-tampered-${suffix}`]]);
    expect(stored.rows).toEqual([]);
    expect(opA.statuses.filter((s) => s.requestId === `a-forged-${suffix}` || s.requestId === `a-tampered-${suffix}`)).toEqual([]);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/issue_recall_requests_refused_total\{[^}]*reason="BAD_SIGNATURE"[^}]*\} 2/);
  });

  it('enforces the policy it stores: a PUT is validated, served back, and applied by the ledger engine', async () => {
    const initial = await call('GET', '/v1/policy', { key: auditorKey });
    expect(initial).toMatchObject({ status: 200, body: { name: 'ccb-2020', preset: 'ccb-2020', largeValueThreshold: '5000000' } });
    expect(await call('PUT', '/v1/policy', { body: { largeValueThreshold: 100 } })).toMatchObject({ status: 400, body: { field: 'largeValueThreshold' } });
    const badLimits = { classLimits: { 4: { balanceCap: '100000', singlePayment: '5000', daily: '90000', annual: '80000' } } };
    expect(await call('PUT', '/v1/policy', { body: badLimits })).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    const updated = await call('PUT', '/v1/policy', { body: { preset: 'pboc-2021', largeValueThreshold: '100' } });
    expect(updated).toMatchObject({ status: 200, body: { name: 'pboc-2021', largeValueThreshold: '100' } });
    expect(updated.body.createdBy).toMatch(/^staff-/);
    expect((await call('GET', '/v1/policy')).body).toEqual(updated.body);

    // A wallet of operator A pays 150 fen, above the new threshold: the engine marks it large-value.
    const payer = generateKeyPairFast();
    const payee = generateKeyPairFast();
    const payerId = walletIdFromPublicKey(payer.publicKey);
    const payeeId = walletIdFromPublicKey(payee.publicKey);
    const ledgerMessages = [
      registerWalletMessage({ commandId: `open-${payerId}`, operatorId: opA.id, walletId: payerId, walletClass: 4, publicKey: toHex(payer.publicKey) }, opA.keys.privateKey),
      registerWalletMessage({ commandId: `open-${payeeId}`, operatorId: opA.id, walletId: payeeId, walletClass: 4, publicKey: toHex(payee.publicKey) }, opA.keys.privateKey),
    ];
    await producer.send({ topic: ledgerTopic, acks: -1, messages: ledgerMessages });
    await waitFor(async () => (await pool.query('select 1 from wallets where id = any($1)', [[payerId, payeeId]])).rows.length === 2, waitMs, { what: 'wallets registered' });
    await producer.send({ topic: ledgerTopic, acks: -1, messages: [loadMessage({ commandId: `load-${payerId}`, operatorId: opA.id, walletId: payerId, amount: 1_000n }, opA.keys.privateKey)] });
    await waitFor(async () => (await balance(`wallet:${payerId}`)) === 1_000n, waitMs, { what: 'wallet loaded' });
    const payment = paymentMessage({ commandId: `pay-${suffix}`, operatorId: opA.id, payerWalletId: payerId, payeeWalletId: payeeId, amount: 150n, counter: 1n }, payer.privateKey);
    await producer.send({ topic: ledgerTopic, acks: -1, messages: [payment] });
    const row = await waitFor(
      async () => (await pool.query<{ status: string; large_value: boolean }>('select status, large_value from ledger_commands where command_id = $1', [`pay-${suffix}`])).rows[0],
      waitMs,
      { what: 'payment decided' },
    );
    expect(row).toEqual({ status: 'accepted', large_value: true });
  });

  it('lists an account\'s entries by sequence, page by page', async () => {
    const vault = `vault:${opA.id}`;
    const all = await call('GET', `/v1/accounts/${vault}/entries?limit=500`, { key: auditorKey });
    const entries = all.body.entries as { sequence: string; direction: string; amount: string; commandType: string; counterpartyAccount: string }[];
    // Issues 300,000 + 600,000 + 1, recall 700,000, a load of 1,000: five entries.
    expect(entries.map((e) => [e.commandType, e.direction, e.amount])).toEqual([
      ['ledger.issue', 'credit', '300000'],
      ['ledger.issue', 'credit', '600000'],
      ['ledger.recall', 'debit', '700000'],
      ['ledger.issue', 'credit', '1'],
      ['ledger.load', 'debit', '1000'],
    ]);
    expect(all.body.nextAfter).toBeNull();
    let after = '0';
    const paged: string[] = [];
    for (;;) {
      const page = await call('GET', `/v1/accounts/${vault}/entries?limit=2&after=${after}`);
      const items = page.body.entries as { sequence: string }[];
      paged.push(...items.map((e) => e.sequence));
      if (page.body.nextAfter === null) break;
      after = page.body.nextAfter as string;
    }
    expect(paged).toEqual(entries.map((e) => e.sequence));
    const credited = entries.reduce((sum, e) => sum + (e.direction === 'credit' ? BigInt(e.amount) : -BigInt(e.amount)), 0n);
    expect(credited).toBe(await balance(vault));
    expect(await call('GET', '/v1/accounts/vault:nobody')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
  });

  it('reports the supply with every invariant ok after the scenario', async () => {
    // Invariant 5 is pending until the sealer (every 200 ms) has put the last entries in a block.
    const sealed = async () => {
      const report = await call('GET', '/v1/supply', { key: auditorKey });
      const five = (report.body.invariants as { invariant: string; status: string }[] | undefined)?.find((i) => i.invariant === '5');
      return five?.status === 'pending' ? undefined : report;
    };
    const supply = await waitFor(sealed, 15_000, { what: 'every entry sealed in a block' });
    expect(supply.status).toBe(200);
    expect(supply.body.ok).toBe(true);
    const invariants = supply.body.invariants as { invariant: string; status: string; failures: string[] }[];
    expect(invariants.map((i) => [i.invariant, i.status])).toEqual([
      ['1', 'ok'],
      ['2', 'ok'],
      ['3', 'ok'],
      ['5', 'ok'],
    ]);
    expect(supply.body).toMatchObject({ issued: '900001', recalled: '700000', outstanding: '200001' });
    const a = (supply.body.operators as { operatorId: string }[]).find((o) => o.operatorId === opA.id);
    expect(a).toEqual({
      operatorId: opA.id,
      reserve: '799999',
      vault: '199001',
      walletsHeld: '1000',
      reserveCredited: '1000000',
      issued: '900001',
      recalled: '700000',
      crossOperatorNet: '0',
    });
  });

  it('exposes the engine\'s batches, sizes, commit times and outcomes as metrics', async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    const value = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'm').exec(text)?.[1] ?? 'NaN');
    expect(value('ledger_batches_total')).toBeGreaterThan(0);
    expect(value('ledger_batch_commands_count')).toBeGreaterThan(0);
    expect(value('ledger_batch_commit_seconds_count')).toBeGreaterThan(0);
    expect(value('ledger_commands_accepted_total')).toBeGreaterThanOrEqual(10);
    expect(value('ledger_commands_rejected_total')).toBeGreaterThanOrEqual(3);
  });

  it('audits every write, refused ones included, with the key that made it', async () => {
    await waitFor(async () => (await pool.query<{ n: string }>('select count(*) as n from staff_audit_log')).rows[0]!.n === String(writes.length), waitMs, {
      what: `${writes.length} audit records`,
    });
    const log = await pool.query<{ api_key_id: string | null; role: string | null; method: string; path: string; status_code: number; request_body: unknown }>(
      'select api_key_id, role, method, path, status_code, request_body from staff_audit_log order by id',
    );
    expect(log.rows.map((r) => [r.method, r.path, r.status_code]).sort()).toEqual(writes.map((w) => [w.method, w.path, w.status]).sort());
    expect(log.rows.find((r) => r.status_code === 403)).toMatchObject({ role: 'auditor' });
    expect(log.rows.find((r) => r.status_code === 401)).toMatchObject({ api_key_id: null });
    expect(log.rows.find((r) => r.path === '/v1/policy' && r.status_code === 200)).toMatchObject({ role: 'staff', request_body: { preset: 'pboc-2021', largeValueThreshold: '100' } });
  });
});
