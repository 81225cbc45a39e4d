// Proves that killing the ledger engine's process (SIGKILL) in the middle of a backlog, again and
// again, loses no payment and applies none twice: after restarts every payment is decided exactly
// once and every balance equals its start plus what the accepted payments say.
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Producer } from 'kafkajs';
import { Pool } from 'pg';
import { KeyedMessage, paymentMessage, registerOperatorMessage, registerWalletMessage, creditReserveMessage, issueMessage, loadMessage } from '@cbdc/contracts';
import { generateKeyPairFast, toHex, walletIdFromPublicKey } from '@cbdc/crypto';
import { createKafka, createPool, createProducer, ensureTopics, runMigrations } from '@cbdc/platform';
import { freshDatabase, FreshDatabase, kafkaBrokersOf, startReadyProcess, testStackEnv, uniqueSuffix, waitFor } from '@cbdc/testing';

jest.setTimeout(420_000);

/** How long the engine process (tsx compiling it on a loaded machine) may take to say ready. */
const engineReadyTimeoutMs = 120_000;

const walletCount = 50;
const paymentCount = 20_000;
const kills = 3;

describe('ledger engine killed mid-batch', () => {
  const env = testStackEnv();
  const brokers = kafkaBrokersOf(env);
  const suffix = uniqueSuffix();
  const topic = `test.ledger-crash.${suffix}`;
  const group = `test-ledger-crash-${suffix}`;
  const centralBank = generateKeyPairFast();
  const operator = { id: `crash-${suffix}`, keys: generateKeyPairFast() };
  const kafka = createKafka({ brokers, clientId: `crash-${suffix}` });
  let database: FreshDatabase;
  let pool: Pool;
  let producer: Producer;
  let engine: ChildProcess | null = null;

  async function startEngine(): Promise<void> {
    // One process (node with tsx's loader), so SIGKILL really kills the engine: no child survives.
    const started = await startReadyProcess({
      name: 'the engine process',
      args: ['--import', 'tsx', path.join(__dirname, 'testing', 'engine-process.ts')],
      env: {
        ENGINE_DATABASE_URL: database.url,
        KAFKA_BROKERS: brokers.join(','),
        ENGINE_TOPIC: topic,
        ENGINE_GROUP: group,
        ENGINE_CENTRAL_BANK_PUBLIC_KEY: toHex(centralBank.publicKey),
        ENGINE_BATCH_SIZE: '300',
      },
      readyTimeoutMs: engineReadyTimeoutMs,
    });
    engine = started.child;
  }

  async function send(messages: readonly KeyedMessage[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 1_000) {
      await producer.send({ topic, acks: -1, messages: messages.slice(start, start + 1_000).map((m) => ({ key: m.key, value: m.value })) });
    }
  }

  async function decided(ids: readonly string[]): Promise<number> {
    const result = await pool.query<{ n: string }>('select count(*) as n from ledger_commands where command_id = any($1)', [ids]);
    return Number(result.rows[0]!.n);
  }

  beforeAll(async () => {
    database = await freshDatabase('ledger_crash');
    pool = createPool({ url: database.url, applicationName: 'ledger-crash-test' });
    await runMigrations(pool, path.join(__dirname, '..', '..', 'migrations'));
    await ensureTopics(kafka, [{ name: topic, partitions: 1 }]);
    producer = await createProducer(kafka);
  });

  afterAll(async () => {
    engine?.kill('SIGKILL');
    await producer?.disconnect();
    await pool?.end();
    await database?.drop();
  });

  it('decides every payment exactly once across repeated SIGKILLs, and the books balance', async () => {
    const wallets = Array.from({ length: walletCount }, () => {
      const keys = generateKeyPairFast();
      return { id: walletIdFromPublicKey(keys.publicKey), keys, counter: 0n };
    });
    await startEngine();
    const cb = centralBank.privateKey;
    await send([
      registerOperatorMessage(
        { commandId: `reg-${suffix}`, operatorId: operator.id, name: 'Crash Bank', operatorKind: 'bank', publicKey: toHex(operator.keys.publicKey), reserveRatioBps: 10000, issueQuotaAuto: 0n },
        cb,
      ),
    ]);
    await waitFor(async () => (await decided([`reg-${suffix}`])) === 1, 30_000, { what: 'operator registered' });
    await send([
      creditReserveMessage({ commandId: `rtgs-${suffix}`, operatorId: operator.id, amount: 100_000_000n, reference: 'crash test' }, cb),
      issueMessage({ commandId: `issue-${suffix}`, operatorId: operator.id, amount: 100_000_000n, requestId: 'crash' }, cb),
      ...wallets.map((w) =>
        registerWalletMessage({ commandId: `open-${w.id}`, operatorId: operator.id, walletId: w.id, walletClass: 1, publicKey: toHex(w.keys.publicKey) }, operator.keys.privateKey),
      ),
    ]);
    const setupIds = [`rtgs-${suffix}`, `issue-${suffix}`, ...wallets.map((w) => `open-${w.id}`)];
    await waitFor(async () => (await decided(setupIds)) === setupIds.length, 30_000, { what: 'wallets registered' });
    await send(wallets.map((w) => loadMessage({ commandId: `load-${w.id}`, operatorId: operator.id, walletId: w.id, amount: 1_000_000n }, operator.keys.privateKey)));
    await waitFor(async () => (await decided(wallets.map((w) => `load-${w.id}`))) === walletCount, 30_000, { what: 'wallets loaded' });

    const payments: KeyedMessage[] = [];
    const ids: string[] = [];
    for (let index = 0; index < paymentCount; index++) {
      const payer = wallets[index % walletCount]!;
      const payee = wallets[(index * 7 + 3) % walletCount]!;
      if (payer === payee) continue;
      payer.counter += 1n;
      const commandId = `crash-pay-${index}`;
      ids.push(commandId);
      payments.push(
        paymentMessage(
          { commandId, operatorId: operator.id, payerWalletId: payer.id, payeeWalletId: payee.id, amount: BigInt(1 + (index % 997)), counter: payer.counter },
          payer.keys.privateKey,
        ),
      );
    }
    // The backlog is in the topic before the engine sees any of it, so every kill lands mid-backlog.
    engine!.kill('SIGTERM');
    await new Promise((resolve) => engine!.once('exit', resolve));
    // Half the payments are sent twice (client retries): each must still be decided once.
    await send([...payments, ...payments.filter((_, index) => index % 2 === 0)]);

    let killed = 0;
    for (let kill = 0; kill < kills; kill++) {
      await startEngine();
      const before = await decided(ids);
      const now = await waitFor(
        async () => {
          const count = await decided(ids);
          return count > before + 200 || count === ids.length ? count : false;
        },
        90_000,
        { what: 'progress before the kill' },
      );
      engine!.kill('SIGKILL');
      await new Promise((resolve) => engine!.once('exit', resolve));
      if (now < ids.length) killed++;
    }
    await startEngine();
    await waitFor(async () => (await decided(ids)) === ids.length, 120_000, { what: 'every payment decided' });
    engine!.kill('SIGTERM');
    // The engine must really have been killed mid-backlog, or the test proves nothing.
    expect(killed).toBeGreaterThanOrEqual(2);

    const statuses = await pool.query<{ status: string; n: string }>('select status, count(*) as n from ledger_commands where command_id = any($1) group by status', [ids]);
    expect(statuses.rows).toEqual([{ status: 'accepted', n: String(ids.length) }]);

    // Recompute every wallet balance from the accepted payments and compare with the ledger.
    const expected = new Map(wallets.map((w) => [`wallet:${w.id}`, 1_000_000n]));
    const entries = await pool.query<{ debit_account: string; credit_account: string; amount: string }>(
      `select debit_account, credit_account, amount from ledger_commands where command_type = 'ledger.payment' and status = 'accepted'`,
    );
    expect(entries.rows.length).toBe(ids.length);
    for (const entry of entries.rows) {
      expected.set(entry.debit_account, expected.get(entry.debit_account)! - BigInt(entry.amount));
      expected.set(entry.credit_account, expected.get(entry.credit_account)! + BigInt(entry.amount));
    }
    const balances = await pool.query<{ id: string; balance: string }>(`select id, balance from accounts where kind = 'wallet'`);
    for (const row of balances.rows) expect(BigInt(row.balance)).toBe(expected.get(row.id));
    const totals = await pool.query<{ held: string; issued: string; total: string }>(`
      select (select sum(balance) from accounts where kind in ('vault', 'wallet')) as held,
             (select sum(issued) - sum(recalled) from operators) as issued,
             (select sum(balance) from accounts) as total`);
    expect(totals.rows[0]!.held).toBe(totals.rows[0]!.issued);
    expect(totals.rows[0]!.total).toBe('0');
  });
});
