// Proves that killing the bank's process (SIGKILL) at every step of a load and of an unload — before the request commits, before and after publishing its command, before, while and after applying the ledger's result — loses and doubles nothing: after a restart and the client's retry, each request is decided once, the deposit book sums to zero, every customer's deposit and DC are what the accepted requests say, and the central ledger's wallet balances equal the bank's mirrors.
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Pool } from 'pg';
import { encodeUnloadForSigning, generateKeyPair, sign, toHex, walletIdFromPublicKey } from '@cbdc/crypto';
import { createPolicy } from '@cbdc/ledger';
import { createPool } from '@cbdc/platform';
import {
  appEntry,
  freshDatabase,
  staffKeyOf,
  startApp,
  startCentralLedger,
  testLogger,
  testStackEnv,
  uniqueSuffix,
  waitFor,
  type AppProcess,
  type CentralLedger,
  type FreshDatabase,
} from '@cbdc/testing';
// eslint-disable-next-line no-restricted-imports -- tests only: the real central ledger engine, in-process, answers the bank.
import { startLedgerEngine } from '../../central-bank/src/ledger-engine/ledger-engine.runtime';
import { crashSteps } from './crash-test/crash-points';

// A restart after SIGKILL waits for Kafka to expire the dead consumer (its 30 s session) before it is healthy.
jest.setTimeout(900_000);

const logger = testLogger('bank-crash-test');
const decisionTimeoutMs = 90_000;
const healthyTimeoutMs = 120_000;
const loadAmount = 10_000n;
const unloadAmount = 3_000n;
/** The compiled bank; CRASH_TEST_BANK_ENTRY points at another build (relative to the repository root). */
const bankEntry = process.env.CRASH_TEST_BANK_ENTRY ?? appEntry('commercial-bank');

describe('bank killed at each step of load and unload', () => {
  const env = testStackEnv();
  const suffix = uniqueSuffix();
  const bankId = `bank-k${suffix}`;
  const ledgerTopic = `test.ledger-commands.${suffix}`;
  const keysFile = path.join(tmpdir(), `cbdc-${bankId}-api-keys.json`);
  const holder = generateKeyPair();
  const walletId = walletIdFromPublicKey(holder.publicKey);
  const customerId = `crash-${suffix}`;
  const policy = createPolicy();
  const depositStart = 10_000_000n;

  let ledger: CentralLedger;
  let bankDatabase: FreshDatabase;
  let bankPool: Pool;
  let bank: AppProcess | null = null;
  let apiKey = '';
  let counter = 0n;
  /** What the accepted requests say the books must hold. */
  let expectedWallet = 0n;

  /** A port nobody listens on now: a fixed one could answer /health from some other process. */
  async function freePort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
  }

  async function startBank(crashAt = ''): Promise<AppProcess> {
    const started = startApp({
      name: bankId,
      entry: bankEntry,
      port: await freePort(),
      env: {
        BANK_ID: bankId,
        DATABASE_URL: bankDatabase.url,
        REDIS_URL: env.REDIS_URL,
        KAFKA_BROKERS: env.KAFKA_BROKERS,
        LEDGER_COMMANDS_TOPIC: ledgerTopic,
        CONTROL_TOPIC: `test.control.${suffix}`,
        API_KEYS_FILE: keysFile,
        LOG_LEVEL: 'warn',
        CBDC_TEST_CRASH_AT: crashAt,
        // The broker's least: the restarted bank gets its partitions back ~6 s after the kill.
        KAFKA_SESSION_TIMEOUT_MS: '6000',
      },
    });
    bank = started;
    await started.waitUntilHealthy(healthyTimeoutMs);
    apiKey = staffKeyOf(keysFile);
    return started;
  }

  /** A call that may die with the process: undefined when the connection broke. */
  async function call(method: 'GET' | 'POST', route: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> } | undefined> {
    const headers: Record<string, string> = { 'x-api-key': apiKey };
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      const response = await fetch(`${bank!.url}${route}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }), signal: AbortSignal.timeout(20_000) });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    } catch {
      return undefined;
    }
  }

  /** Both ledgers agree, and hold exactly what the accepted requests say. */
  async function ledgersAgree(): Promise<void> {
    const books = await bankPool.query<{ total: string; negatives: string; settlement: string; mirrors: string; pending: string; deposit: string; wallet: string }>(
      `select (select sum(balance) from deposit_accounts) as total,
              (select count(*) from deposit_accounts where not contra and balance < 0) as negatives,
              (select balance from deposit_accounts where id = 'dc-settlement') as settlement,
              (select coalesce(sum(balance), 0) from wallets) as mirrors,
              (select coalesce(sum(amount), 0) from ledger_requests where kind = 'load' and status = 'pending') as pending,
              (select balance from deposit_accounts where id = $1) as deposit,
              (select balance from wallets where id = $2) as wallet`,
      [`customer:${customerId}`, walletId],
    );
    const row = books.rows[0]!;
    expect(row.total).toBe('0');
    expect(row.negatives).toBe('0');
    expect(row.pending).toBe('0');
    expect(BigInt(row.settlement)).toBe(BigInt(row.mirrors));
    expect(BigInt(row.wallet)).toBe(expectedWallet);
    expect(BigInt(row.deposit)).toBe(depositStart - expectedWallet);
    expect(await ledger.balance(`wallet:${walletId}`)).toBe(expectedWallet);
    // Each request reached the ledger as one command, applied once.
    const doubled = await ledger.pool.query<{ n: string }>(
      `select count(*) as n from (select command_id from ledger_commands where operator_id = $1 group by command_id having count(*) > 1) d`,
      [bankId],
    );
    expect(doubled.rows[0]!.n).toBe('0');
  }

  async function decided(kind: 'load' | 'unload', requestId: string): Promise<Record<string, unknown>> {
    return waitFor(
      async () => {
        const answer = await call('GET', `/v1/wallets/${walletId}/${kind}s/${requestId}`);
        return answer && answer.status === 200 && answer.body.status !== 'pending' ? answer.body : undefined;
      },
      decisionTimeoutMs,
      { what: `${kind} ${requestId} decided` },
    );
  }

  function loadBody(step: string): Record<string, string> {
    return { loadId: `load-${step}`, amount: loadAmount.toString() };
  }

  function unloadBody(step: string): Record<string, string> {
    counter += 1n;
    const unloadId = `unload-${step}`;
    const signed = encodeUnloadForSigning({ operatorId: bankId, walletId, amount: unloadAmount, counter, commandId: `${bankId}:unload:${unloadId}` });
    return { unloadId, amount: unloadAmount.toString(), counter: counter.toString(), walletSignature: toHex(sign(signed, holder.privateKey)) };
  }

  beforeAll(async () => {
    ledger = await startCentralLedger({
      name: 'bank_crash',
      suffix,
      ledgerTopic,
      operatorIds: [bankId],
      startEngine: startLedgerEngine,
      policy,
      logger,
      decisionTimeoutMs,
    });
    bankDatabase = await freshDatabase('bank_crash_bank');
    bankPool = createPool({ url: bankDatabase.url, applicationName: 'bank-crash-bank' });

    await startBank();
    const operator = (await call('GET', '/v1/operator'))!;
    const stock = policy.classLimits[3].balanceCap * 4n;
    await ledger.stock([{ operatorId: bankId, publicKey: operator.body.publicKey as string, reserve: stock, issue: stock }]);

    expect((await call('POST', '/v1/customers', { customerId, name: 'Crash Dummy', idNumber: `ID${suffix}`, phone: '+86 138 0000 3333' }))!.status).toBe(201);
    expect((await call('POST', `/v1/customers/${customerId}/deposits`, { depositId: `salary-${suffix}`, amount: depositStart.toString() }))!.status).toBe(200);
    expect((await call('POST', '/v1/wallets', { customerId, publicKey: toHex(holder.publicKey), walletClass: 3, requestId: `open-${suffix}` }))!.status).toBe(202);
    await waitFor(async () => (await call('GET', `/v1/wallets/${walletId}`))?.body.status === 'open', decisionTimeoutMs, { what: 'the wallet open' });
    // Enough DC for every unload below, loaded without a crash.
    expect((await call('POST', `/v1/wallets/${walletId}/loads`, loadBody('stock')))!.status).toBe(202);
    expect(await decided('load', 'load-stock')).toMatchObject({ status: 'accepted' });
    expectedWallet += loadAmount;
    await ledgersAgree();
    await bank!.stop();
  });

  afterAll(async () => {
    await bank?.stop();
    await ledger?.close();
    await bankPool?.end();
    await bankDatabase?.drop();
    rmSync(keysFile, { force: true });
  });

  for (const kind of ['load', 'unload'] as const) {
    it.each(crashSteps.map((step) => [step]))(`${kind}: killed at %s, restarted, retried by the client: decided once, both ledgers agree`, async (step) => {
      const body = kind === 'load' ? loadBody(step) : unloadBody(step);
      const requestId = kind === 'load' ? body.loadId! : body.unloadId!;
      const crashing = await startBank(`${kind}:${step}`);
      // The answer may or may not come back before the process dies.
      void call('POST', `/v1/wallets/${walletId}/${kind}s`, body);
      await waitFor(() => !crashing.isRunning(), decisionTimeoutMs, { what: `the bank to die at ${kind}:${step}` });
      expect(crashing.child.signalCode).toBe('SIGKILL');
      expect(crashing.output()).toContain(`crash point ${kind}:${step} reached`);

      await startBank();
      // The client does not know what happened and asks again with the same id.
      const retried = await call('POST', `/v1/wallets/${walletId}/${kind}s`, body);
      expect(retried?.status).toBe(202);
      expect(await decided(kind, requestId)).toMatchObject({ status: 'accepted', code: null });
      expectedWallet += kind === 'load' ? loadAmount : -unloadAmount;
      await waitFor(
        async () => {
          const mirror = await bankPool.query<{ balance: string }>('select balance from wallets where id = $1', [walletId]);
          return BigInt(mirror.rows[0]!.balance) === expectedWallet;
        },
        decisionTimeoutMs,
        { what: 'the mirror to settle' },
      );
      await ledgersAgree();
      const commands = await ledger.pool.query<{ n: string }>('select count(*) as n from ledger_commands where command_id = $1', [`${bankId}:${kind}:${requestId}`]);
      expect(commands.rows[0]!.n).toBe('1');
      await bank!.stop();
    });
  }
});
