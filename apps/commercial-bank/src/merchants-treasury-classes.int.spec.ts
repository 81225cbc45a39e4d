// Proves, with the real central bank app and the bank in-process against the real PostgreSQL, Redis and Kafka, that the treasury job lifts the vault above its low watermark by a real issue over Kafka (and staff can issue and recall, one at a time), that wallet classes change only through the ledger with the KYC each class needs, and that a paid merchant request is marked paid once and its signed webhook delivered, retried after a failure.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { operatorEventsTopic, paymentMessage, webhookDeliveryIdHeader, webhookSignatureHeader, webhookTimestampHeader } from '@cbdc/contracts';
import { generateKeyPair, toHex, walletIdFromPublicKey, type Ed25519KeyPair } from '@cbdc/crypto';
import { createKafka, createPool, createProducer, ensureTopics, httpBodyBytesMax, loadSettings, PinoNestLogger } from '@cbdc/platform';
import { freshDatabase, kafkaBrokersOf, testLogger, testStackEnv, uniqueSuffix, waitFor, type FreshDatabase } from '@cbdc/testing';
// eslint-disable-next-line no-restricted-imports -- tests only: the real central bank app answers this bank.
import { CentralBankModule } from '../../central-bank/src/central-bank.module';
// eslint-disable-next-line no-restricted-imports -- tests only: the central bank's settings.
import { centralBankSettings } from '../../central-bank/src/central-bank.settings';
import { CommercialBankModule } from './commercial-bank.module';
import { loadCommercialBankSettings } from './commercial-bank.settings';
import { webhookSignatureValid } from './merchants/webhook-signature';

jest.setTimeout(240_000);

const logger = testLogger('bank-merchants-test');
const waitMs = 30_000;

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

interface Hook {
  deliveryId: string;
  timestamp: string;
  signature: string;
  body: string;
}

describe('treasury, wallet classes and merchants against the real central bank', () => {
  const env = testStackEnv();
  const suffix = uniqueSuffix();
  const bankId = `bank-m${suffix}`;
  const ledgerTopic = `test.ledger-commands.${suffix}`;
  const controlTopic = `test.control.${suffix}`;
  const keysDir = mkdtempSync(path.join(tmpdir(), 'bank-merchants-'));
  const kafka = createKafka({ brokers: kafkaBrokersOf(env), clientId: `bank-merchants-${suffix}` });
  const low = 500_000n;
  const high = 5_000_000n;
  const target = (low + high) / 2n;

  let centralDatabase: FreshDatabase;
  let bankDatabase: FreshDatabase;
  let central: NestFastifyApplication;
  let centralUrl = '';
  let centralKey = '';
  let centralPool: Pool;
  let bank: NestFastifyApplication | null = null;
  let bankUrl = '';
  let bankKey = '';
  let bankPool: Pool;
  let producer: Producer;
  let hookServer: Server;
  let hookUrl = '';
  const hooks: Hook[] = [];
  let hookFailuresLeft = 1;

  async function request(base: string, key: string | null, method: 'GET' | 'POST', route: string, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (key) headers['x-api-key'] = key;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${base}${route}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }), signal: AbortSignal.timeout(waitMs) });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }
  const callBank = (method: 'GET' | 'POST', route: string, body?: unknown) => request(bankUrl, bankKey, method, route, body);
  const callCentral = (method: 'GET' | 'POST', route: string, body?: unknown) => {
    return (async () => {
      const headers: Record<string, string> = { authorization: `Bearer ${centralKey}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${centralUrl}${route}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    })();
  };

  async function startBank(watermarks: boolean): Promise<void> {
    const settings = loadCommercialBankSettings({
      BANK_ID: bankId,
      PORT: '7621',
      DATABASE_URL: bankDatabase.url,
      REDIS_URL: env.REDIS_URL,
      KAFKA_BROKERS: env.KAFKA_BROKERS,
      LEDGER_COMMANDS_TOPIC: ledgerTopic,
      CONTROL_TOPIC: controlTopic,
      API_KEYS_FILE: path.join(keysDir, 'bank-keys.json'),
      LOG_LEVEL: 'warn',
      TREASURY_VAULT_LOW: watermarks ? low.toString() : '0',
      TREASURY_VAULT_HIGH: watermarks ? high.toString() : '0',
      TREASURY_CHECK_INTERVAL_MS: '300',
      WEBHOOK_BACKOFF_MS: '200',
      WEBHOOK_ATTEMPTS_MAX: '4',
    });
    bank = await NestFactory.create<NestFastifyApplication>(CommercialBankModule.forRoot(settings, logger), new FastifyAdapter({ bodyLimit: httpBodyBytesMax }), {
      logger: new PinoNestLogger(logger),
      abortOnError: false,
    });
    bank.enableShutdownHooks();
    await bank.listen(0, '127.0.0.1');
    bankUrl = (await bank.getUrl()).replace('[::1]', '127.0.0.1');
    bankKey = (JSON.parse(readFileSync(path.join(keysDir, 'bank-keys.json'), 'utf8')) as { staff: { key: string } }).staff.key;
  }

  async function stopBank(): Promise<void> {
    await bank?.close();
    bank = null;
  }

  async function centralBalance(accountId: string): Promise<bigint> {
    const result = await centralPool.query<{ balance: string }>('select balance from accounts where id = $1', [accountId]);
    return BigInt(result.rows[0]?.balance ?? '0');
  }

  async function openWallet(customerId: string, keys: Ed25519KeyPair): Promise<string> {
    const answer = await callBank('POST', '/v1/wallets', { customerId, publicKey: toHex(keys.publicKey), walletClass: 4, requestId: `open-${toHex(keys.publicKey).slice(0, 16)}` });
    expect(answer.status).toBe(202);
    const walletId = walletIdFromPublicKey(keys.publicKey);
    await waitFor(async () => (await callBank('GET', `/v1/wallets/${walletId}`)).body.status === 'open', waitMs, { what: `wallet ${walletId} open` });
    return walletId;
  }

  async function classChangeDecided(walletId: string, changeId: string): Promise<Record<string, unknown>> {
    return waitFor(
      async () => {
        const answer = await callBank('GET', `/v1/wallets/${walletId}/class-changes/${changeId}`);
        return answer.body.status !== 'pending' ? answer.body : undefined;
      },
      waitMs,
      { what: `class change ${changeId} decided` },
    );
  }

  async function treasurySettled(): Promise<Record<string, unknown>> {
    return waitFor(
      async () => {
        const view = await callBank('GET', '/v1/treasury');
        return view.body.inFlight === null && (view.body.recent as unknown[]).length > 0 ? view.body : undefined;
      },
      waitMs,
      { what: 'the treasury request settled' },
    );
  }

  beforeAll(async () => {
    centralDatabase = await freshDatabase('bank_merchants_central');
    bankDatabase = await freshDatabase('bank_merchants_bank');
    centralPool = createPool({ url: centralDatabase.url, applicationName: 'bank-merchants-central' });
    bankPool = createPool({ url: bankDatabase.url, applicationName: 'bank-merchants-bank' });
    await ensureTopics(kafka, [
      { name: ledgerTopic, partitions: 1 },
      { name: controlTopic, partitions: 1 },
      { name: operatorEventsTopic(bankId), partitions: 1 },
    ]);
    const centralSettings = loadSettings(centralBankSettings, {
      PORT: '7622',
      DATABASE_URL: centralDatabase.url,
      REDIS_URL: env.REDIS_URL,
      KAFKA_BROKERS: env.KAFKA_BROKERS,
      LEDGER_COMMANDS_TOPIC: ledgerTopic,
      CONTROL_TOPIC: controlTopic,
      CONSUMER_GROUP_PREFIX: `test-cb-${suffix}`,
      OPERATOR_IDS: bankId,
      API_KEYS_FILE: path.join(keysDir, 'central-keys.json'),
      LEDGER_VERIFY_POOL_SIZE: '1',
      ANCHOR_ENABLED: 'false',
      LOG_LEVEL: 'warn',
    });
    central = await NestFactory.create<NestFastifyApplication>(CentralBankModule.forRoot(centralSettings, logger), new FastifyAdapter({ bodyLimit: httpBodyBytesMax }), {
      logger: new PinoNestLogger(logger),
      abortOnError: false,
    });
    await central.listen(0, '127.0.0.1');
    centralUrl = (await central.getUrl()).replace('[::1]', '127.0.0.1');
    centralKey = (JSON.parse(readFileSync(path.join(keysDir, 'central-keys.json'), 'utf8')) as { staff: { key: string } }).staff.key;
    producer = await createProducer(kafka);

    hookServer = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        hooks.push({
          deliveryId: String(req.headers[webhookDeliveryIdHeader]),
          timestamp: String(req.headers[webhookTimestampHeader]),
          signature: String(req.headers[webhookSignatureHeader]),
          body: Buffer.concat(chunks).toString('utf8'),
        });
        if (hookFailuresLeft > 0) {
          hookFailuresLeft -= 1;
          res.writeHead(500).end('try again later');
        } else {
          res.writeHead(204).end();
        }
      });
    });
    await new Promise<void>((resolve) => hookServer.listen(0, '127.0.0.1', resolve));
    const address = hookServer.address() as { port: number };
    hookUrl = `http://127.0.0.1:${address.port}/hooks/cbdc`;

    // First start without watermarks: the operator key is made, and the central bank registers it.
    await startBank(false);
    const operator = await request(bankUrl, null, 'GET', '/v1/operator');
    const registered = await callCentral('POST', '/v1/operators', {
      operatorId: bankId,
      name: `Bank ${bankId}`,
      kind: 'bank',
      publicKey: operator.body.publicKey,
      issueQuotaAuto: '100000000',
    });
    expect(registered.status).toBe(201);
    const reserve = await callCentral('POST', `/v1/operators/${bankId}/reserve-credits`, { creditId: `rtgs-${suffix}`, amount: '100000000', reference: 'test RTGS transfer' });
    expect(reserve.status).toBeLessThan(300);
    await stopBank();
  });

  afterAll(async () => {
    await stopBank();
    await central?.close();
    await producer?.disconnect();
    await new Promise<void>((resolve) => (hookServer ? hookServer.close(() => resolve()) : resolve()));
    await centralPool?.end();
    await bankPool?.end();
    await centralDatabase?.drop();
    await bankDatabase?.drop();
    rmSync(keysDir, { recursive: true, force: true });
  });

  it('lifts an empty vault above its low watermark by a real issue, and lets staff issue and recall one at a time', async () => {
    await startBank(true);
    const settled = await treasurySettled();
    expect(settled).toMatchObject({ vault: target.toString(), low: low.toString(), high: high.toString(), inFlight: null });
    expect((settled.recent as Record<string, unknown>[])[0]).toMatchObject({ direction: 'issue', amount: target.toString(), status: 'settled', requestedBy: 'treasury-job' });
    expect(await centralBalance(`vault:${bankId}`)).toBe(target);

    const issue = { requestId: `staff-issue-${suffix}`, amount: '1000000' };
    const asked = await callBank('POST', '/v1/treasury/issue', issue);
    expect(asked).toMatchObject({ status: 202, body: { requestId: `${bankId}:${issue.requestId}`, direction: 'issue', amount: '1000000' } });
    expect((await callBank('POST', '/v1/treasury/issue', issue)).status).toBe(202);
    expect((await callBank('POST', '/v1/treasury/recall', issue)).body.code).toBe('IDEMPOTENCY_CONFLICT');
    await waitFor(async () => (await callBank('GET', `/v1/treasury/requests/${issue.requestId}`)).body.status === 'settled', waitMs, { what: 'the staff issue settled' });
    const recall = await callBank('POST', '/v1/treasury/recall', { requestId: `staff-recall-${suffix}`, amount: '250000' });
    expect(recall.status).toBe(202);
    // One in flight at a time.
    const second = await callBank('POST', '/v1/treasury/issue', { requestId: `too-soon-${suffix}`, amount: '1' });
    if (second.status !== 202) expect(second.body.code).toBe('TREASURY_REQUEST_IN_FLIGHT');
    await waitFor(async () => (await callBank('GET', `/v1/treasury/requests/staff-recall-${suffix}`)).body.status === 'settled', waitMs, { what: 'the staff recall settled' });
    await waitFor(async () => (await callBank('GET', '/v1/treasury')).body.inFlight === null, waitMs, { what: 'nothing in flight' });
    const view = await callBank('GET', '/v1/treasury');
    expect(BigInt(view.body.vault as string)).toBe(await centralBalance(`vault:${bankId}`));
    expect((await callBank('POST', '/v1/treasury/issue', { requestId: 'x', amount: 5 })).body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'amount' });
  });

  const holder = generateKeyPair();
  let walletId = '';

  it('upgrades a wallet through the ledger with the KYC each class needs, and downgrades it when the document expires', async () => {
    const customerId = `c-${suffix}`;
    expect((await callBank('POST', '/v1/customers', { customerId, name: 'Class Climber', phone: '+86 138 0000 1111' })).status).toBe(201);
    walletId = await openWallet(customerId, holder);

    const noId = await callBank('POST', `/v1/wallets/${walletId}/class-changes`, { changeId: `no-id-${suffix}`, walletClass: 3 });
    expect(noId).toMatchObject({ status: 422, body: { code: 'KYC_INSUFFICIENT' } });
    expect((await callBank('POST', `/v1/wallets/${walletId}/class-changes`, { changeId: `one-${suffix}`, walletClass: 1 })).body.code).toBe('IN_PERSON_VERIFICATION_REQUIRED');
    expect((await callBank('POST', `/v1/wallets/${walletId}/class-changes`, { changeId: `old-${suffix}`, walletClass: 3, idNumber: 'ID1', documentExpiresOn: '2001-01-01' })).body.code).toBe('DOCUMENT_EXPIRED');

    const toThree = { changeId: `to-3-${suffix}`, walletClass: 3, idNumber: `ID${suffix}`, documentExpiresOn: '2099-12-31' };
    const asked = await callBank('POST', `/v1/wallets/${walletId}/class-changes`, toThree);
    expect(asked).toMatchObject({ status: 202, body: { fromClass: 4, toClass: 3, status: 'pending' } });
    expect((await callBank('POST', `/v1/wallets/${walletId}/class-changes`, { ...toThree, changeId: `again-${suffix}` })).body.code).toBe('CLASS_CHANGE_PENDING');
    expect(await classChangeDecided(walletId, toThree.changeId)).toMatchObject({ status: 'accepted' });
    expect((await callBank('GET', `/v1/wallets/${walletId}`)).body.walletClass).toBe(3);
    const onLedger = await centralPool.query<{ wallet_class: number }>('select wallet_class from wallets where id = $1', [walletId]);
    expect(onLedger.rows[0]!.wallet_class).toBe(3);
    // The ID number reached the bank's customer record, encrypted; the expiry is sealed too.
    expect((await callBank('GET', `/v1/customers/${customerId}`)).body.idNumber).toBe(toThree.idNumber);
    const sealed = await bankPool.query<{ n: string }>("select count(*) as n from customer_documents where position(convert_to('2099', 'UTF8') in expires_on_sealed) > 0");
    expect(sealed.rows[0]!.n).toBe('0');

    expect(await classChangeDecided(walletId, ((await callBank('POST', `/v1/wallets/${walletId}/class-changes`, { changeId: `to-2-${suffix}`, walletClass: 2 })).body.changeId as string))).toMatchObject({
      status: 'accepted',
      toClass: 2,
    });
    const link = await bankPool.query<{ deposit_account_id: string }>('select deposit_account_id from wallet_links where wallet_id = $1', [walletId]);
    expect(link.rows[0]!.deposit_account_id).toBe(`customer:${customerId}`);
    expect((await callBank('POST', `/v1/wallets/${walletId}/class-changes`, { changeId: `down-${suffix}`, walletClass: 3 })).body.code).toBe('NOT_AN_UPGRADE');

    const inPerson = await callBank('POST', `/v1/wallets/${walletId}/in-person-verifications`, { changeId: `to-1-${suffix}` });
    expect(inPerson).toMatchObject({ status: 202, body: { toClass: 1 } });
    expect(await classChangeDecided(walletId, `to-1-${suffix}`)).toMatchObject({ status: 'accepted', verifiedBy: expect.stringMatching(/^staff:/) });
    expect((await callBank('GET', `/v1/wallets/${walletId}`)).body.walletClass).toBe(1);

    // Not yet expired: nothing happens. After the expiry: back to class 4 through the ledger.
    expect((await callBank('POST', '/v1/wallet-class-downgrades', { asOf: '2099-12-30' })).body.changes).toEqual([]);
    const downgraded = await callBank('POST', '/v1/wallet-class-downgrades', { asOf: '2100-01-01' });
    expect(downgraded.body.changes).toEqual([expect.objectContaining({ walletId, fromClass: 1, toClass: 4, reason: 'document-expired' })]);
    expect(await classChangeDecided(walletId, `expired-${walletId}-2100-01-01`)).toMatchObject({ status: 'accepted' });
    expect((await callBank('GET', `/v1/wallets/${walletId}`)).body.walletClass).toBe(4);
    expect((await centralPool.query<{ wallet_class: number }>('select wallet_class from wallets where id = $1', [walletId])).rows[0]!.wallet_class).toBe(4);
  });

  it('marks a merchant request paid by its derived payment id and delivers the signed webhook, retried after a failure', async () => {
    const merchantKeys = generateKeyPair();
    expect((await callBank('POST', '/v1/customers', { customerId: `shop-${suffix}`, name: 'Tea Shop', phone: '+86 138 0000 2222' })).status).toBe(201);
    const merchantWallet = await openWallet(`shop-${suffix}`, merchantKeys);
    expect((await callBank('POST', `/v1/merchants/${merchantWallet}/payment-requests`, { requestId: 'r', amount: '1', reference: 'x', expiresInSeconds: 60 })).body.code).toBe('UNKNOWN_MERCHANT');
    const merchant = await callBank('POST', `/v1/merchants/${merchantWallet}`, { webhookUrl: hookUrl });
    expect(merchant.status).toBe(201);
    const secret = merchant.body.webhookSecret as string;
    expect(secret).toMatch(/^[0-9a-f]{64}$/);

    // The payer: the class-4 wallet of the test before, loaded from its deposit.
    await callBank('POST', `/v1/customers/c-${suffix}/deposits`, { depositId: `salary-${suffix}`, amount: '100000' });
    expect((await callBank('POST', `/v1/wallets/${walletId}/loads`, { loadId: `load-${suffix}`, amount: '50000' })).status).toBe(202);
    await waitFor(async () => (await callBank('GET', `/v1/wallets/${walletId}/loads/load-${suffix}`)).body.status === 'accepted', waitMs, { what: 'the payer loaded' });

    const order = { requestId: `order-${suffix}`, amount: '1234', reference: 'Order 42 / table 7', expiresInSeconds: 600 };
    const created = await callBank('POST', `/v1/merchants/${merchantWallet}/payment-requests`, order);
    expect(created).toMatchObject({ status: 201, body: { status: 'open', amount: '1234', paymentId: expect.stringMatching(/^pr-[0-9a-f]{40}$/) } });
    expect(created.body.uri).toMatch(new RegExp(`^cbdc:pay\\?v=1&payee=${merchantWallet}&amount=1234&`));
    expect((await callBank('POST', `/v1/merchants/${merchantWallet}/payment-requests`, order)).body.paymentId).toBe(created.body.paymentId);
    expect((await callBank('POST', `/v1/merchants/${merchantWallet}/payment-requests`, { ...order, amount: '1' })).body.code).toBe('IDEMPOTENCY_CONFLICT');

    const paymentId = created.body.paymentId as string;
    const pay = paymentMessage({ commandId: paymentId, operatorId: bankId, payerWalletId: walletId, payeeWalletId: merchantWallet, amount: 1234n, counter: 1n }, holder.privateKey);
    await producer.send({ topic: ledgerTopic, acks: -1, messages: [{ key: pay.key, value: pay.value }] });

    const delivered = await waitFor(
      async () => {
        const view = await callBank('GET', `/v1/merchants/${merchantWallet}/payment-requests/${order.requestId}`);
        return (view.body.webhook as { status?: string } | null)?.status === 'delivered' ? view.body : undefined;
      },
      waitMs,
      { what: 'the webhook delivered' },
    );
    expect(delivered).toMatchObject({ status: 'paid', paidAmount: '1234', payerWalletId: walletId, webhook: { deliveryId: `paid:${order.requestId}`, attempts: 2 } });
    expect(hooks).toHaveLength(2);
    for (const hook of hooks) {
      expect(hook.deliveryId).toBe(`paid:${order.requestId}`);
      expect(webhookSignatureValid(secret, hook.timestamp, hook.body, hook.signature)).toBe(true);
      expect(webhookSignatureValid('another secret of enough length', hook.timestamp, hook.body, hook.signature)).toBe(false);
      expect(JSON.parse(hook.body)).toMatchObject({ type: 'merchant.payment-request-paid', version: 1, requestId: order.requestId, paymentId, amount: '1234', status: 'paid' });
    }
    const attempts = await bankPool.query<{ attempt: number; http_status: number }>('select attempt, http_status from webhook_attempts where delivery_id = $1 order by id', [`paid:${order.requestId}`]);
    expect(attempts.rows).toEqual([
      { attempt: 1, http_status: 500 },
      { attempt: 2, http_status: 204 },
    ]);
    expect((await callBank('GET', `/v1/wallets/${merchantWallet}`)).body.balance).toBe('1234');

    // A crash between the commit and the enqueue leaves the row unenqueued: the sweep enqueues it
    // again, and a delivery already made is not made twice.
    await bankPool.query('update webhook_deliveries set enqueued_at = null where delivery_id = $1', [`paid:${order.requestId}`]);
    await waitFor(
      async () => (await bankPool.query('select 1 from webhook_deliveries where delivery_id = $1 and enqueued_at is not null', [`paid:${order.requestId}`])).rows.length === 1,
      waitMs,
      { what: 'the sweep to enqueue the delivery again' },
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(hooks).toHaveLength(2);

    // A request paid after its expiry is recorded as paid late, and notified too.
    const late = { requestId: `late-${suffix}`, amount: '100', reference: 'Late one', expiresInSeconds: 1 };
    const lateRequest = await callBank('POST', `/v1/merchants/${merchantWallet}/payment-requests`, late);
    await waitFor(async () => (await callBank('GET', `/v1/merchants/${merchantWallet}/payment-requests/${late.requestId}`)).body.status === 'expired', waitMs, { what: 'the request expired' });
    const latePay = paymentMessage(
      { commandId: lateRequest.body.paymentId as string, operatorId: bankId, payerWalletId: walletId, payeeWalletId: merchantWallet, amount: 100n, counter: 2n },
      holder.privateKey,
    );
    await producer.send({ topic: ledgerTopic, acks: -1, messages: [{ key: latePay.key, value: latePay.value }] });
    const lateView = await waitFor(
      async () => {
        const view = await callBank('GET', `/v1/merchants/${merchantWallet}/payment-requests/${late.requestId}`);
        return (view.body.webhook as { status?: string } | null)?.status === 'delivered' ? view.body : undefined;
      },
      waitMs,
      { what: 'the late webhook delivered' },
    );
    expect(lateView).toMatchObject({ status: 'paid-late', webhook: { attempts: 1 } });
    expect((await callBank('GET', `/v1/merchants/${merchantWallet}/payment-requests/nothing`)).body.code).toBe('UNKNOWN_PAYMENT_REQUEST');
  });
});
