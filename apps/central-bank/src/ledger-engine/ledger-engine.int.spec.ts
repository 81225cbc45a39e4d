// Proves the ledger engine, through the real Kafka topic and the real PostgreSQL, applies signed
// commands once and only once (through repeats, replays and a reset consumer group), refuses
// forgeries without remembering them, dead-letters what it cannot parse, and keeps the ledger's
// invariants, with one partition and with two.
import path from 'node:path';
import type { Consumer, Producer } from 'kafkajs';
import { Pool } from 'pg';
import {
  creditReserveMessage,
  issueMessage,
  KeyedMessage,
  ledgerDeadLetterTopic,
  loadMessage,
  operatorEventsTopic,
  paymentMessage,
  recallMessage,
  registerOperatorMessage,
  registerWalletMessage,
  unloadMessage,
} from '@cbdc/contracts';
import { generateKeyPairFast, walletIdFromPublicKey, toHex, type Ed25519KeyPair } from '@cbdc/crypto';
import { createPolicy } from '@cbdc/ledger';
import { createKafka, createPool, createProducer, ensureTopics, runMigrations } from '@cbdc/platform';
import { freshDatabase, FreshDatabase, kafkaBrokersOf, testLogger, testStackEnv, uniqueSuffix, waitFor } from '@cbdc/testing';
import { startLedgerEngine, LedgerEngineRuntime } from './ledger-engine.runtime';

jest.setTimeout(120_000);

const logger = testLogger('ledger-engine-test');
const policy = createPolicy();

interface Wallet {
  readonly id: string;
  readonly keys: Ed25519KeyPair;
  counter: bigint;
}

function newWallet(): Wallet {
  const keys = generateKeyPairFast();
  return { id: walletIdFromPublicKey(keys.publicKey), keys, counter: 0n };
}

describe.each([1, 2])('ledger engine with %i partition(s)', (partitions) => {
  const env = testStackEnv();
  const brokers = kafkaBrokersOf(env);
  const suffix = uniqueSuffix();
  const topic = `test.ledger-commands.${suffix}`;
  const consumerGroup = `test-ledger-engine-${suffix}`;
  const centralBank = generateKeyPairFast();
  const opA = { id: `a-${suffix}`, keys: generateKeyPairFast() };
  const opB = { id: `b-${suffix}`, keys: generateKeyPairFast() };
  let database: FreshDatabase;
  let pool: Pool;
  let producer: Producer;
  let runtime: LedgerEngineRuntime | null = null;
  const kafka = createKafka({ brokers, clientId: `test-${suffix}` });

  async function send(messages: readonly KeyedMessage[]): Promise<void> {
    await producer.send({ topic, acks: -1, messages: messages.map((m) => ({ key: m.key, value: m.value })) });
  }

  async function start(): Promise<void> {
    runtime = await startLedgerEngine({
      databaseUrl: database.url,
      kafkaBrokers: brokers,
      topic,
      partitions,
      consumerGroup,
      centralBankPublicKey: centralBank.publicKey,
      policy: () => policy,
      logger,
      verifyPoolSize: 1,
    });
  }

  async function stop(): Promise<void> {
    await runtime?.close();
    runtime = null;
  }

  async function statusOf(commandId: string): Promise<{ status: string; code: string | null } | undefined> {
    const result = await pool.query<{ status: string; code: string | null }>('select status, code from ledger_commands where command_id = $1', [commandId]);
    return result.rows[0];
  }

  async function waitApplied(commandIds: readonly string[]): Promise<void> {
    await waitFor(
      async () => {
        const result = await pool.query<{ n: string }>('select count(*) as n from ledger_commands where command_id = any($1)', [commandIds]);
        return Number(result.rows[0]!.n) === commandIds.length;
      },
      30_000,
      { what: `commands ${commandIds.join(', ')} decided` },
    );
  }

  async function balance(accountId: string): Promise<bigint> {
    const result = await pool.query<{ balance: string }>('select balance from accounts where id = $1', [accountId]);
    return BigInt(result.rows[0]?.balance ?? '0');
  }

  /** Invariant 1 and the per-operator books, straight from the database. */
  async function invariantsHold(): Promise<void> {
    const totals = await pool.query<{ issued: string; recalled: string; held: string; negatives: string }>(`
      select (select coalesce(sum(issued), 0) from operators) as issued,
             (select coalesce(sum(recalled), 0) from operators) as recalled,
             (select coalesce(sum(balance), 0) from accounts where kind in ('vault', 'wallet')) as held,
             (select count(*) from accounts where kind <> 'rtgs' and balance < 0) as negatives`);
    const row = totals.rows[0]!;
    expect(BigInt(row.held)).toBe(BigInt(row.issued) - BigInt(row.recalled));
    expect(row.negatives).toBe('0');
    const sumAll = await pool.query<{ s: string }>('select coalesce(sum(balance), 0) as s from accounts');
    expect(sumAll.rows[0]!.s).toBe('0');
    const issuedByCommands = await pool.query<{ s: string }>(
      `select coalesce(sum(amount) filter (where command_type = 'ledger.issue'), 0) - coalesce(sum(amount) filter (where command_type = 'ledger.recall'), 0) as s
       from ledger_commands where status = 'accepted'`,
    );
    expect(BigInt(issuedByCommands.rows[0]!.s)).toBe(BigInt(row.issued) - BigInt(row.recalled));
  }

  function pay(payer: Wallet, payee: Wallet, amount: bigint, operatorId: string, commandId = `pay-${uniqueSuffix()}`): KeyedMessage {
    payer.counter += 1n;
    return paymentMessage(
      { commandId, operatorId, payerWalletId: payer.id, payeeWalletId: payee.id, amount, counter: payer.counter },
      payer.keys.privateKey,
    );
  }

  const alice = newWallet();
  const bob = newWallet();
  const carol = newWallet();

  beforeAll(async () => {
    database = await freshDatabase('ledger_engine');
    pool = createPool({ url: database.url, applicationName: 'ledger-engine-test' });
    await runMigrations(pool, path.join(__dirname, '..', '..', 'migrations'));
    await ensureTopics(kafka, [{ name: topic, partitions }]);
    producer = await createProducer(kafka);
    await start();
  });

  afterAll(async () => {
    await stop();
    await producer?.disconnect();
    await pool?.end();
    await database?.drop();
  });

  it('registers operators, credits reserves, issues, opens wallets and loads them', async () => {
    const cb = centralBank.privateKey;
    await send([
      registerOperatorMessage(
        { commandId: `reg-${opA.id}`, operatorId: opA.id, name: 'Bank A', operatorKind: 'bank', publicKey: toHex(opA.keys.publicKey), reserveRatioBps: 10000, issueQuotaAuto: 10_000_000n },
        cb,
      ),
      registerOperatorMessage(
        { commandId: `reg-${opB.id}`, operatorId: opB.id, name: 'Bank B', operatorKind: 'bank', publicKey: toHex(opB.keys.publicKey), reserveRatioBps: 10000, issueQuotaAuto: 10_000_000n },
        cb,
      ),
    ]);
    await waitApplied([`reg-${opA.id}`, `reg-${opB.id}`]);
    await send([
      creditReserveMessage({ commandId: `rtgs-${opA.id}`, operatorId: opA.id, amount: 1_000_000n, reference: 'RTGS 1' }, cb),
      creditReserveMessage({ commandId: `rtgs-${opB.id}`, operatorId: opB.id, amount: 1_000_000n, reference: 'RTGS 2' }, cb),
    ]);
    await waitApplied([`rtgs-${opA.id}`, `rtgs-${opB.id}`]);
    await send([
      issueMessage({ commandId: `issue-${opA.id}`, operatorId: opA.id, amount: 600_000n, requestId: 'r1' }, cb),
      issueMessage({ commandId: `issue-${opB.id}`, operatorId: opB.id, amount: 400_000n, requestId: 'r2' }, cb),
      registerWalletMessage({ commandId: `open-${alice.id}`, operatorId: opA.id, walletId: alice.id, walletClass: 2, publicKey: toHex(alice.keys.publicKey) }, opA.keys.privateKey),
      registerWalletMessage({ commandId: `open-${bob.id}`, operatorId: opB.id, walletId: bob.id, walletClass: 4, publicKey: toHex(bob.keys.publicKey) }, opB.keys.privateKey),
      registerWalletMessage({ commandId: `open-${carol.id}`, operatorId: opA.id, walletId: carol.id, walletClass: 3, publicKey: toHex(carol.keys.publicKey) }, opA.keys.privateKey),
    ]);
    await waitApplied([`issue-${opA.id}`, `issue-${opB.id}`, `open-${alice.id}`, `open-${bob.id}`, `open-${carol.id}`]);
    await send([
      loadMessage({ commandId: `load-${alice.id}`, operatorId: opA.id, walletId: alice.id, amount: 300_000n }, opA.keys.privateKey),
      loadMessage({ commandId: `load-${bob.id}`, operatorId: opB.id, walletId: bob.id, amount: 10_000n }, opB.keys.privateKey),
    ]);
    await waitApplied([`load-${alice.id}`, `load-${bob.id}`]);
    expect(await balance(`wallet:${alice.id}`)).toBe(300_000n);
    expect(await balance(`vault:${opA.id}`)).toBe(300_000n);
    expect(await balance(`reserve:${opA.id}`)).toBe(400_000n);
    expect(await balance('rtgs')).toBe(-2_000_000n);
    await invariantsHold();
  });

  it('settles payments across operators once, answers a repeat with the first answer, and refuses forgeries without storing them', async () => {
    const first = pay(alice, bob, 12_345n, opA.id, `pay-once-${suffix}`);
    await send([first]);
    await waitApplied([`pay-once-${suffix}`]);
    // The same message again (a client retry) and once more in one batch with a new payment.
    const second = pay(alice, bob, 1_000n, opA.id, `pay-two-${suffix}`);
    await send([first, second, first]);
    await waitApplied([`pay-two-${suffix}`]);
    expect(await balance(`wallet:${alice.id}`)).toBe(300_000n - 12_345n - 1_000n);
    expect(await balance(`wallet:${bob.id}`)).toBe(10_000n + 12_345n + 1_000n);

    // A payment signed by the wrong key: refused, and its id not burnt.
    alice.counter += 1n;
    const forged = paymentMessage(
      { commandId: `pay-forged-${suffix}`, operatorId: opA.id, payerWalletId: alice.id, payeeWalletId: carol.id, amount: 5_000n, counter: alice.counter },
      carol.keys.privateKey,
    );
    // A load an operator did not sign, claiming to be operator B.
    const fakeLoad = loadMessage({ commandId: `load-fake-${suffix}`, operatorId: opB.id, walletId: bob.id, amount: 99_999n }, opA.keys.privateKey);
    const marker = pay(alice, carol, 1n, opA.id, `pay-marker-${suffix}`);
    await send([forged, fakeLoad, marker]);
    await waitApplied([`pay-marker-${suffix}`]);
    expect(await statusOf(`pay-forged-${suffix}`)).toBeUndefined();
    expect(await statusOf(`load-fake-${suffix}`)).toBeUndefined();
    expect(await balance(`wallet:${carol.id}`)).toBe(1n);
    expect(await balance(`wallet:${bob.id}`)).toBe(10_000n + 12_345n + 1_000n);

    // The genuine payment with the id the forger tried to burn still settles.
    const genuine = paymentMessage(
      { commandId: `pay-forged-${suffix}`, operatorId: opA.id, payerWalletId: alice.id, payeeWalletId: carol.id, amount: 5_000n, counter: alice.counter + 1n },
      alice.keys.privateKey,
    );
    alice.counter += 1n;
    await send([genuine]);
    await waitApplied([`pay-forged-${suffix}`]);
    expect(await statusOf(`pay-forged-${suffix}`)).toEqual({ status: 'accepted', code: null });
    await invariantsHold();
  });

  it('stores business rejections with their codes and changes nothing for them', async () => {
    await send([loadMessage({ commandId: `load-more-${bob.id}`, operatorId: opB.id, walletId: bob.id, amount: 40_000n }, opB.keys.privateKey)]);
    await waitApplied([`load-more-${bob.id}`]);
    const before = await balance(`wallet:${bob.id}`);
    expect(before).toBeGreaterThan(50_001n);
    // Bob is class 4 under ccb-2020: single payments above 500 yuan (50,000 fen) are refused.
    const tooBig = pay(bob, alice, 50_001n, opB.id, `pay-big-${suffix}`);
    const small = pay(bob, alice, 1n, opB.id, `pay-small-${suffix}`);
    // Signed correctly, but with the counter of the payment just accepted: a replay.
    const stale = paymentMessage(
      { commandId: `pay-stale-${suffix}`, operatorId: opB.id, payerWalletId: bob.id, payeeWalletId: alice.id, amount: 1n, counter: bob.counter },
      bob.keys.privateKey,
    );
    const broke = pay(carol, alice, 1_000_000n, opA.id, `pay-broke-${suffix}`);
    await send([tooBig, small, stale, broke]);
    await waitApplied([`pay-big-${suffix}`, `pay-stale-${suffix}`, `pay-broke-${suffix}`]);
    expect(await statusOf(`pay-big-${suffix}`)).toEqual({ status: 'rejected', code: 'CLASS_LIMIT_SINGLE' });
    expect(await statusOf(`pay-stale-${suffix}`)).toEqual({ status: 'rejected', code: 'STALE_COUNTER' });
    expect(await statusOf(`pay-broke-${suffix}`)).toEqual({ status: 'rejected', code: 'INSUFFICIENT_FUNDS' });
    expect(await statusOf(`pay-small-${suffix}`)).toEqual({ status: 'accepted', code: null });
    expect(await balance(`wallet:${bob.id}`)).toBe(before - 1n);
    await invariantsHold();
  });

  it('sends malformed messages to the dead-letter topic with the reason, and keeps going', async () => {
    const marker = pay(alice, bob, 2n, opA.id, `pay-after-dlq-${suffix}`);
    await producer.send({
      topic,
      acks: -1,
      messages: [
        { key: 'junk', value: `{"type":"ledger.payment","version":1,"amount":12.5,"tag":"${suffix}"}` },
        { key: 'junk', value: `{"type":"ledger.payment","version":7,"tag":"${suffix}"}` },
        { key: 'junk', value: 'not json' },
        { key: marker.key, value: marker.value },
      ],
    });
    await waitApplied([`pay-after-dlq-${suffix}`]);
    const consumer: Consumer = kafka.consumer({ groupId: `dlq-reader-${suffix}` });
    await consumer.connect();
    await consumer.subscribe({ topic: ledgerDeadLetterTopic, fromBeginning: true });
    const seen: { code: string; reason: string }[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (!message.key?.toString().startsWith(`${topic}:`)) return;
        seen.push(JSON.parse(message.value!.toString()) as { code: string; reason: string });
      },
    });
    await waitFor(() => seen.length >= 3, 30_000, { what: 'three dead letters' });
    await consumer.disconnect();
    expect(seen.map((s) => s.code).sort()).toEqual(['MALFORMED', 'MALFORMED', 'UNKNOWN_VERSION']);
    expect(seen.find((s) => s.code === 'UNKNOWN_VERSION')!.reason).toMatch(/version 7/);
  });

  it('publishes results and credits to each operator on its own topic', async () => {
    const consumer: Consumer = kafka.consumer({ groupId: `events-reader-${suffix}` });
    await consumer.connect();
    await consumer.subscribe({ topic: operatorEventsTopic(opB.id), fromBeginning: true });
    const credits: string[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        const body = JSON.parse(message.value!.toString()) as { type: string; credits?: { paymentId: string }[] };
        if (body.type === 'ledger.credits') credits.push(...body.credits!.map((c) => c.paymentId));
      },
    });
    await waitFor(() => credits.includes(`pay-once-${suffix}`) && credits.includes(`pay-two-${suffix}`), 30_000, { what: "bob's credits" });
    await consumer.disconnect();
    expect(credits.filter((id) => id === `pay-once-${suffix}`).length).toBeGreaterThanOrEqual(1);
  });

  it('replays nothing twice after a restart with the consumer group reset to the beginning', async () => {
    const accountsBefore = await pool.query('select id, balance from accounts order by id');
    const countBefore = await pool.query<{ n: string }>('select count(*) as n from ledger_commands');
    await stop();
    const admin = kafka.admin();
    await admin.connect();
    await admin.resetOffsets({ groupId: consumerGroup, topic, earliest: true });
    await admin.disconnect();
    await start();
    const marker = pay(alice, bob, 3n, opA.id, `pay-after-restart-${suffix}`);
    await send([marker]);
    await waitApplied([`pay-after-restart-${suffix}`]);
    const countAfter = await pool.query<{ n: string }>('select count(*) as n from ledger_commands');
    expect(Number(countAfter.rows[0]!.n)).toBe(Number(countBefore.rows[0]!.n) + 1);
    const accountsAfter = await pool.query<{ id: string; balance: string }>('select id, balance from accounts order by id');
    const changed = accountsAfter.rows.filter((row, index) => row.balance !== (accountsBefore.rows[index] as { balance: string }).balance).map((r) => r.id);
    expect(changed.sort()).toEqual([`wallet:${alice.id}`, `wallet:${bob.id}`].sort());
    await invariantsHold();
  });

  it('recalls DC from a vault back into reserves', async () => {
    await send([recallMessage({ commandId: `recall-${opA.id}`, operatorId: opA.id, amount: 100_000n, requestId: 'r3' }, centralBank.privateKey)]);
    await waitApplied([`recall-${opA.id}`]);
    expect(await statusOf(`recall-${opA.id}`)).toEqual({ status: 'accepted', code: null });
    expect(await balance(`reserve:${opA.id}`)).toBe(500_000n);
    const unload = unloadMessage(
      { commandId: `unload-${suffix}`, operatorId: opB.id, walletId: bob.id, amount: 100n, counter: (bob.counter += 1n) },
      bob.keys.privateKey,
      opB.keys.privateKey,
    );
    await send([unload]);
    await waitApplied([`unload-${suffix}`]);
    expect(await statusOf(`unload-${suffix}`)).toEqual({ status: 'accepted', code: null });
    await invariantsHold();
  });
});
