// Proves, against the real PostgreSQL, Redis, Kafka and the real central ledger engine, that POST /v1/payments settles cross-bank and same-bank payments synchronously with every mirror and the bank's books right, answers a repeat the same and a conflicting repeat 409, passes on the ledger's rejection codes, stops a forged signature before the ledger, answers async with a status resource, serves signed holder reads, enforces merchant requests and the per-wallet rate limit, and that the `cbdc` commands drive it.
import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Pool } from 'pg';
import { registerWalletMessage } from '@cbdc/contracts';
import { toHex } from '@cbdc/crypto';
import { createPolicy } from '@cbdc/ledger';
import { createPool } from '@cbdc/platform';
import { freshDatabase, staffKeyOf, startCentralLedger, startNestApp, testLogger, testStackEnv, uniqueSuffix, waitFor, type CentralLedger, type FreshDatabase } from '@cbdc/testing';
import {
  BankApi,
  BankApiError,
  createWalletKeys,
  formatPaymentRequestUri,
  InMemoryCounterStore,
  paymentIdForRequest,
  signPayment,
  walletRequestHeaders,
  type WalletKeys,
} from '@cbdc/wallet-sdk';
// eslint-disable-next-line no-restricted-imports -- tests only: the real central ledger engine, in-process, answers this bank.
import { startLedgerEngine } from '../../../central-bank/src/ledger-engine/ledger-engine.runtime';
// eslint-disable-next-line no-restricted-imports -- tests only: the `cbdc` command line, run in-process against this bank.
import { run } from '../../../cli/src/cli';
import { CommercialBankModule } from '../commercial-bank.module';
import { LedgerEventsService } from '../wallets/ledger-events.service';
import { loadCommercialBankSettings } from '../commercial-bank.settings';

jest.setTimeout(180_000);

const logger = testLogger('payments-test');
const policy = createPolicy();
const limits4 = policy.classLimits[4];
const decisionTimeoutMs = 30_000;
const ratePerMinute = 30;

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

describe('payments API against the real central ledger', () => {
  const env = testStackEnv();
  const suffix = uniqueSuffix();
  const bankId = `bank-p${suffix}`;
  const otherBankId = `bank-q${suffix}`;
  const ledgerTopic = `test.ledger-commands.${suffix}`;
  const keysFile = path.join(tmpdir(), `cbdc-${bankId}-api-keys.json`);
  const otherBank = createWalletKeys();

  let ledger: CentralLedger;
  let bankDatabase: FreshDatabase;
  let bank: Pool;
  let app: NestFastifyApplication;
  let url = '';
  let apiKey = '';
  let api: BankApi;

  async function call(method: 'GET' | 'POST', route: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const all = { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
    const response = await fetch(`${url}${route}`, { method, headers: all, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
  }

  const staff = (): Record<string, string> => ({ 'x-api-key': apiKey });

  async function mirror(walletId: string): Promise<bigint> {
    const result = await bank.query<{ balance: string }>('select balance from wallets where id = $1', [walletId]);
    return BigInt(result.rows[0]!.balance);
  }

  async function clearing(): Promise<bigint> {
    return BigInt((await bank.query<{ balance: string }>("select balance from deposit_accounts where id = 'clearing'")).rows[0]!.balance);
  }

  /** The bank's books balance, dc-settlement mirrors the DC its customers hold, and every mirror equals the central ledger. */
  async function ledgersAgree(): Promise<void> {
    const books = await bank.query<{ total: string; settlement: string; mirrors: string; pending: string }>(`
      select (select sum(balance) from deposit_accounts) as total,
             (select balance from deposit_accounts where id = 'dc-settlement') as settlement,
             (select coalesce(sum(balance), 0) from wallets) as mirrors,
             (select coalesce(sum(amount), 0) from ledger_requests where kind = 'load' and status = 'pending') as pending`);
    const row = books.rows[0]!;
    expect(row.total).toBe('0');
    expect(BigInt(row.settlement)).toBe(BigInt(row.mirrors) + BigInt(row.pending));
    const wallets = await bank.query<{ id: string; balance: string }>("select id, balance from wallets where status = 'open'");
    for (const wallet of wallets.rows) expect({ wallet: wallet.id, balance: await ledger.balance(`wallet:${wallet.id}`) }).toEqual({ wallet: wallet.id, balance: BigInt(wallet.balance) });
  }

  async function openAndLoad(customerId: string, walletClass: 3 | 4, amount: bigint): Promise<WalletKeys> {
    const keys = createWalletKeys();
    const opened = await api.openWallet(keys, { customerId, walletClass });
    expect(opened.status).toBe('pending');
    await waitFor(async () => (await api.wallet(keys.walletId)).status === 'open', decisionTimeoutMs, { what: `wallet ${keys.walletId} open` });
    const loadId = `load-${keys.walletId.slice(0, 20)}`;
    await api.load(keys.walletId, amount, loadId);
    await waitFor(async () => (await api.loadStatus(keys.walletId, loadId)).status === 'accepted', decisionTimeoutMs, { what: `load of ${keys.walletId}` });
    return keys;
  }

  function signed(keys: WalletKeys, payeeWalletId: string, amount: bigint, counter: bigint, paymentId = `pay-${counter}-${keys.walletId.slice(1, 9)}-${suffix}`) {
    return signPayment({ paymentId, payerWalletId: keys.walletId, payeeWalletId, amount, counter }, keys.privateKey);
  }

  async function outboxRows(commandId: string): Promise<number> {
    return Number((await bank.query<{ n: string }>("select count(*) as n from outbox where payload->>'commandId' = $1", [commandId])).rows[0]!.n);
  }

  const stranger = createWalletKeys();
  let holderA: WalletKeys;
  let holderB: WalletKeys;
  const countersA = new InMemoryCounterStore();

  beforeAll(async () => {
    ledger = await startCentralLedger({
      name: 'pay_int',
      suffix,
      ledgerTopic,
      operatorIds: [bankId, otherBankId],
      startEngine: startLedgerEngine,
      policy,
      logger,
      decisionTimeoutMs,
    });
    bankDatabase = await freshDatabase('pay_int_bank');
    bank = createPool({ url: bankDatabase.url, applicationName: 'pay-int-bank' });
    const settings = loadCommercialBankSettings({
      BANK_ID: bankId,
      PORT: '7611',
      DATABASE_URL: bankDatabase.url,
      REDIS_URL: env.REDIS_URL,
      KAFKA_BROKERS: env.KAFKA_BROKERS,
      LEDGER_COMMANDS_TOPIC: ledgerTopic,
      API_KEYS_FILE: keysFile,
      LOG_LEVEL: 'warn',
      PAYMENT_RATE_PER_WALLET_PER_MINUTE: String(ratePerMinute),
    });
    ({ app, url } = await startNestApp(CommercialBankModule.forRoot(settings, logger), logger));
    apiKey = staffKeyOf(keysFile);
    api = new BankApi({ baseUrl: url, apiKey });

    // Both operators on the ledger, our vault stocked, a stranger wallet at the other operator.
    const operator = await api.operator();
    await ledger.stock([
      { operatorId: bankId, publicKey: operator.publicKey, reserve: limits4.balanceCap * 20n, issue: limits4.balanceCap * 10n },
      { operatorId: otherBankId, publicKey: toHex(otherBank.publicKey) },
    ]);
    await ledger.send([registerWalletMessage({ commandId: `open-${stranger.walletId}`, operatorId: otherBankId, walletId: stranger.walletId, walletClass: 4, publicKey: toHex(stranger.publicKey) }, otherBank.privateKey)]);
    await ledger.decided([`open-${stranger.walletId}`]);

    for (const [customerId, idNumber] of [[`a-${suffix}`, `ID${suffix}`], [`b-${suffix}`, undefined], [`d-${suffix}`, undefined]] as const) {
      const opened = await call('POST', '/v1/customers', { customerId, name: `Holder ${customerId}`, phone: '+86 138 0000 0000', ...(idNumber ? { idNumber } : {}) }, staff());
      expect(opened.status).toBe(201);
      expect((await call('POST', `/v1/customers/${customerId}/deposits`, { depositId: `salary-${customerId}`, amount: (limits4.balanceCap * 3n).toString() }, staff())).status).toBe(200);
    }
    holderA = await openAndLoad(`a-${suffix}`, 3, 100_000n);
    // Room below the class-4 balance cap for the payments it receives.
    holderB = await openAndLoad(`b-${suffix}`, 4, limits4.balanceCap - 20_000n);
  });

  afterAll(async () => {
    await app?.close();
    await ledger?.close();
    await bank?.end();
    await bankDatabase?.drop();
    rmSync(keysFile, { force: true });
  });

  it('settles a payment to another operator synchronously, debiting the payer mirror once and moving dc-settlement to clearing', async () => {
    const clearingBefore = await clearing();
    const body = signed(holderA, stranger.walletId, 10_000n, await countersA.nextCounter());
    const answer = await call('POST', '/v1/payments', body);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ paymentId: body.paymentId, status: 'settled', payerWalletId: holderA.walletId, payeeWalletId: stranger.walletId, amount: '10000', counter: body.counter });
    expect(answer.body.sequence).toMatch(/^[0-9]+$/);
    expect(new Date(answer.body.settledAt as string).getTime()).toBeGreaterThan(Date.now() - 60_000);
    // Committed before the answer: the mirror is already right when the holder hears "settled".
    expect(await mirror(holderA.walletId)).toBe(90_000n);
    expect(await ledger.balance(`wallet:${holderA.walletId}`)).toBe(90_000n);
    expect(await ledger.balance(`wallet:${stranger.walletId}`)).toBe(10_000n);
    expect(await clearing()).toBe(clearingBefore + 10_000n);
    const history = await bank.query('select kind, amount, counterparty from wallet_history where reference = $1', [body.paymentId]);
    expect(history.rows).toEqual([{ kind: 'payment-out', amount: '10000', counterparty: stranger.walletId }]);
    await ledgersAgree();

    // The same request again: the same answer, no second command, no second debit.
    const again = await call('POST', '/v1/payments', body);
    expect(again).toMatchObject({ status: 200, body: answer.body });
    expect(await outboxRows(body.paymentId)).toBe(1);
    expect(await mirror(holderA.walletId)).toBe(90_000n);
    // The same id with another body is a conflict, not a second payment.
    const other = signed(holderA, stranger.walletId, 10_001n, await countersA.nextCounter(), body.paymentId);
    expect(await call('POST', '/v1/payments', other)).toMatchObject({ status: 409, body: { code: 'IDEMPOTENCY_CONFLICT' } });
  });

  it('settles a payment between two of its own wallets with both mirrors right and clearing untouched', async () => {
    const clearingBefore = await clearing();
    const before = { a: await mirror(holderA.walletId), b: await mirror(holderB.walletId) };
    const body = signed(holderA, holderB.walletId, 5_000n, await countersA.nextCounter());
    const answer = await call('POST', '/v1/payments', body);
    expect(answer).toMatchObject({ status: 200, body: { status: 'settled' } });
    expect(await mirror(holderA.walletId)).toBe(before.a - 5_000n);
    // The payee's credit comes in the ledger's next message of the same batch.
    await waitFor(async () => (await mirror(holderB.walletId)) === before.b + 5_000n, decisionTimeoutMs, { what: 'the payee mirror credited' });
    expect(await clearing()).toBe(clearingBefore);
    const history = await bank.query('select wallet_id, kind from wallet_history where reference = $1 order by kind', [body.paymentId]);
    expect(history.rows).toEqual([
      { wallet_id: holderB.walletId, kind: 'payment-in' },
      { wallet_id: holderA.walletId, kind: 'payment-out' },
    ]);
    await ledgersAgree();
  });

  it("answers the ledger's rejections with its codes and changes nothing", async () => {
    const before = await mirror(holderA.walletId);
    const tooMuch = signed(holderA, stranger.walletId, before + 1n, await countersA.nextCounter());
    const poor = await call('POST', '/v1/payments', tooMuch);
    expect(poor).toMatchObject({ status: 422, body: { code: 'INSUFFICIENT_FUNDS', status: 'rejected', paymentId: tooMuch.paymentId } });
    expect(await mirror(holderA.walletId)).toBe(before);

    const countersB = new InMemoryCounterStore();
    const overSingle = signed(holderB, stranger.walletId, limits4.singlePayment + 1n, await countersB.nextCounter());
    const limited = await call('POST', '/v1/payments', overSingle);
    expect(limited).toMatchObject({ status: 422, body: { code: 'CLASS_LIMIT_SINGLE', status: 'rejected' } });
    // A repeat of a rejected payment is rejected the same way, from the bank's own row.
    expect(await call('POST', '/v1/payments', overSingle)).toMatchObject({ status: 422, body: limited.body });
    // A counter that does not move forward is the ledger's to refuse, too.
    const replayed = signed(holderA, stranger.walletId, 100n, 1n, `replay-${suffix}`);
    expect((await call('POST', '/v1/payments', replayed)).body.code).toBe('STALE_COUNTER');
    await ledgersAgree();
  });

  it('stops a forged or malformed payment at the bank, before the ledger', async () => {
    const forged = signPayment({ paymentId: `forged-${suffix}`, payerWalletId: holderA.walletId, payeeWalletId: stranger.walletId, amount: 1_000n, counter: 999n }, holderB.privateKey);
    expect(await call('POST', '/v1/payments', forged)).toMatchObject({ status: 422, body: { code: 'BAD_SIGNATURE' } });
    expect(await outboxRows(forged.paymentId)).toBe(0);
    expect((await bank.query('select 1 from payments where payment_id = $1', [forged.paymentId])).rows).toHaveLength(0);
    const strangerPays = signPayment({ paymentId: `not-ours-${suffix}`, payerWalletId: stranger.walletId, payeeWalletId: holderA.walletId, amount: 1n, counter: 1n }, stranger.privateKey);
    expect(await call('POST', '/v1/payments', strangerPays)).toMatchObject({ status: 404, body: { code: 'UNKNOWN_WALLET' } });
    expect(await call('POST', '/v1/payments', { ...forged, amount: 1000 })).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', field: 'amount' } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await ledger.pool.query('select 1 from ledger_commands where command_id = any($1)', [[forged.paymentId, strangerPays.paymentId]])).rows).toHaveLength(0);
  });

  it('answers 202 with a status resource when asked for async, readable by its payer and staff only', async () => {
    const body = signed(holderA, stranger.walletId, 700n, await countersA.nextCounter());
    const answer = await call('POST', '/v1/payments', body, { prefer: 'respond-async' });
    expect(answer).toMatchObject({ status: 202, body: { paymentId: body.paymentId, status: 'pending' } });
    const location = answer.headers.get('location')!;
    expect(location).toBe(`/v1/payments/${body.paymentId}`);
    expect(await call('GET', location)).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED' } });
    const settled = await waitFor(
      async () => {
        const status = await call('GET', location, undefined, walletRequestHeaders(holderA, { method: 'GET', path: location }));
        expect(status.status).toBe(200);
        return status.body.status === 'settled' ? status.body : undefined;
      },
      decisionTimeoutMs,
      { what: 'the async payment settled' },
    );
    expect(settled).toMatchObject({ paymentId: body.paymentId, amount: '700', status: 'settled' });
    expect((await call('GET', location, undefined, staff())).body.status).toBe('settled');
    // Another holder does not even learn that it exists; a signature for another path does not pass.
    expect((await call('GET', location, undefined, walletRequestHeaders(holderB, { method: 'GET', path: location }))).body.code).toBe('UNKNOWN_PAYMENT');
    expect((await call('GET', location, undefined, walletRequestHeaders(holderA, { method: 'GET', path: '/v1/payments/other' }))).status).toBe(401);
    expect((await call('GET', '/v1/payments/nothing-here', undefined, staff())).body.code).toBe('UNKNOWN_PAYMENT');
    await ledgersAgree();
  });

  it('serves balance and history to the wallet holder by signature, with outgoing payments listed once', async () => {
    const balance = await api.balance(holderA);
    expect(balance).toEqual({ walletId: holderA.walletId, walletClass: 3, status: 'open', balance: (await mirror(holderA.walletId)).toString() });
    const history = await api.history(holderA, 10);
    const outgoing = history.entries.filter((entry) => entry.kind === 'payment-out');
    expect(outgoing.map((entry) => entry.amount).sort()).toEqual(['10000', '5000', '700']);
    expect(new Set(outgoing.map((entry) => entry.reference)).size).toBe(3);
    const route = `/v1/holder/wallets/${holderA.walletId}/balance`;
    const stale = walletRequestHeaders(holderA, { method: 'GET', path: route }, new Date(Date.now() - 6 * 60_000));
    expect(await call('GET', route, undefined, stale)).toMatchObject({ status: 401, body: { code: 'STALE_SIGNATURE' } });
    expect((await call('GET', route, undefined, walletRequestHeaders(holderB, { method: 'GET', path: route }))).body.code).toBe('UNKNOWN_WALLET');
    expect((await call('GET', route, undefined, staff())).body.balance).toBe(balance.balance);
  });

  it("pays a merchant's request at most once, and refuses one that does not match or has expired", async () => {
    const uri = formatPaymentRequestUri({ payeeWalletId: holderB.walletId, amount: 1_234n, reference: `order-${suffix}`, expiresAt: new Date(Date.now() + 600_000) });
    const paid = await api.payRequest(holderA, countersA, uri);
    expect(paid).toMatchObject({ paymentId: paymentIdForRequest(uri), status: 'settled', amount: '1234', payeeWalletId: holderB.walletId });
    const twice = await failure(api.payRequest(holderA, countersA, uri));
    expect(twice.code).toBe('IDEMPOTENCY_CONFLICT');
    const wrongAmount = signed(holderA, holderB.walletId, 1_000n, await countersA.nextCounter(), paymentIdForRequest(uri));
    expect((await call('POST', '/v1/payments', { ...wrongAmount, paymentRequest: uri })).body.code).toBe('PAYMENT_REQUEST_MISMATCH');
    const expiredUri = formatPaymentRequestUri({ payeeWalletId: holderB.walletId, amount: 10n, reference: `old-${suffix}`, expiresAt: new Date(Date.now() - 1_000) });
    const late = signed(holderA, holderB.walletId, 10n, await countersA.nextCounter(), paymentIdForRequest(expiredUri));
    expect((await call('POST', '/v1/payments', { ...late, paymentRequest: expiredUri })).body.code).toBe('PAYMENT_REQUEST_EXPIRED');
    await waitFor(async () => (await mirror(holderB.walletId)) === (await ledger.balance(`wallet:${holderB.walletId}`)), decisionTimeoutMs, { what: 'the merchant credit mirrored' });
    await ledgersAgree();
  });

  it('limits payments per payer wallet per minute with 429 RATE_LIMITED and Retry-After', async () => {
    const holderD = await openAndLoad(`d-${suffix}`, 4, 10_000n);
    // A fixed window: start well inside one, so the burst cannot straddle two.
    const intoWindowMs = Date.now() % 60_000;
    if (intoWindowMs > 45_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoWindowMs + 100));
    const bodies = Array.from({ length: ratePerMinute + 1 }, (_, i) => signed(holderD, stranger.walletId, 1n, BigInt(i + 1)));
    const answers: Answer[] = [];
    for (const body of bodies) answers.push(await call('POST', '/v1/payments', body, { prefer: 'respond-async' }));
    expect(answers.slice(0, ratePerMinute).map((a) => a.status)).toEqual(Array.from({ length: ratePerMinute }, () => 202));
    const refused = answers[ratePerMinute]!;
    expect(refused).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    // Another wallet is not affected.
    expect((await call('POST', '/v1/payments', signed(holderB, stranger.walletId, 1n, 100n), { prefer: 'respond-async' })).status).toBe(202);
    await waitFor(async () => (await mirror(holderD.walletId)) === 10_000n - BigInt(ratePerMinute), decisionTimeoutMs, { what: 'the burst settled' });
    await waitFor(async () => (await bank.query("select 1 from payments where status = 'pending'")).rows.length === 0, decisionTimeoutMs, { what: 'no payment pending' });
    await ledgersAgree();
  });

  it('is driven by the cbdc commands: balance, pay, history', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'cbdc-cli-'));
    const out: string[] = [];
    const io = { stdout: (text: string) => out.push(text), stderr: (text: string) => out.push(text), env: { CBDC_PASSPHRASE: 'correct horse battery', CBDC_API_KEY: apiKey }, now: () => new Date(), cwd: folder };
    const cbdc = async (...argv: string[]): Promise<Record<string, unknown>> => {
      out.length = 0;
      const code = await run([...argv, ...(argv[0] === 'keys' ? [] : ['--bank', url]), '--json'], io);
      const printed = JSON.parse(out.join('')) as Record<string, unknown>;
      expect({ argv, code, printed }).toMatchObject({ code: 0 });
      return printed;
    };
    try {
      await cbdc('keys', 'create', '--out', 'wallet.key');
      const opened = await cbdc('wallet', 'open', '--key', 'wallet.key', '--customer', `b-${suffix}`, '--class', '4', '--wait');
      expect(opened.status).toBe('open');
      const walletId = opened.walletId as string;
      const loaded = await cbdc('load', '--wallet', walletId, '--amount', '50.00', '--wait');
      expect(loaded.status).toBe('accepted');
      const paid = await cbdc('pay', '--key', 'wallet.key', '--to', stranger.walletId, '--amount', '12.34');
      expect(paid).toMatchObject({ status: 'settled', amount: '1234' });
      expect(await cbdc('balance', '--key', 'wallet.key')).toMatchObject({ walletId, balance: '3766' });
      const history = await cbdc('history', '--key', 'wallet.key');
      expect((history.entries as { kind: string }[]).map((entry) => entry.kind)).toEqual(['payment-out', 'load']);
      const uri = formatPaymentRequestUri({ payeeWalletId: holderB.walletId, amount: 66n, reference: `cli-${suffix}`, expiresAt: new Date(Date.now() + 600_000) });
      expect(await cbdc('pay-request', 'pay', uri, '--key', 'wallet.key')).toMatchObject({ status: 'settled', paymentId: paymentIdForRequest(uri) });
      const unloaded = await cbdc('unload', '--key', 'wallet.key', '--amount', '10', '--wait');
      expect(unloaded.status).toBe('accepted');
      expect(await cbdc('balance', '--key', 'wallet.key')).toMatchObject({ balance: '2700' });
      await ledgersAgree();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('debits a payer whose payment settles in the same ledger batch as the credit that funds it once that credit arrives, never below zero', async () => {
    // The ledger sends a batch's results before its credits; played here with messages of a batch
    // id the test engine never reaches, for a wallet whose mirror and central balance start at 0.
    const holderE = createWalletKeys();
    await api.openWallet(holderE, { customerId: `d-${suffix}`, walletClass: 4 });
    await waitFor(async () => (await api.wallet(holderE.walletId)).status === 'open', decisionTimeoutMs, { what: 'wallet E open' });
    const paymentId = `same-batch-${suffix}`;
    await bank.query(
      "insert into payments (payment_id, payer_wallet_id, payee_wallet_id, amount, counter, signature) values ($1, $2, $3, 500, 1, repeat('ab', 64))",
      [paymentId, holderE.walletId, stranger.walletId],
    );
    const events = app.get(LedgerEventsService);
    const batchId = 9_000_000_000_000n + BigInt(Date.now() % 1_000_000);
    await events.applyResults({ batchId, committedAt: Date.now(), results: [{ commandId: paymentId, commandType: 'ledger.payment', status: 'accepted', sequence: 2n }] });
    expect(await mirror(holderE.walletId)).toBe(0n);
    expect((await bank.query('select status, payer_debited from payments where payment_id = $1', [paymentId])).rows).toEqual([{ status: 'settled', payer_debited: false }]);
    const credit = { paymentId: `fund-${suffix}`, payerWalletId: stranger.walletId, payeeWalletId: holderE.walletId, amount: 500n, sequence: 1n };
    await events.applyCredits({ batchId, committedAt: Date.now(), credits: [credit] });
    await events.applyCredits({ batchId, committedAt: Date.now(), credits: [credit] });
    expect(await mirror(holderE.walletId)).toBe(0n);
    expect((await bank.query('select payer_debited from payments where payment_id = $1', [paymentId])).rows).toEqual([{ payer_debited: true }]);
    const history = await bank.query('select kind, amount from wallet_history where wallet_id = $1 order by kind', [holderE.walletId]);
    expect(history.rows).toEqual([
      { kind: 'payment-in', amount: '500' },
      { kind: 'payment-out', amount: '500' },
    ]);
    await ledgersAgree();
  });
});

async function failure(action: Promise<unknown>): Promise<BankApiError> {
  try {
    await action;
  } catch (error) {
    if (error instanceof BankApiError) return error;
    throw error;
  }
  throw new Error('the call succeeded');
}
