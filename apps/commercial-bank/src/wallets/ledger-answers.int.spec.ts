// Proves, against the real PostgreSQL and Redis, that the bank applies the ledger's answers through the one-statement SQL path and the transaction path with the same effects: a payment between two of its own wallets moves both mirrors once and nets to zero in clearing, a redelivered or re-sent answer changes nothing, a results message mixing a load and the payment it funds applies the load first, a payment waiting for its funding credit is debited when that credit arrives, and the waiting request gets each decision.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Pool } from 'pg';
import type { CommandResultsV1, WalletCreditsV1 } from '@cbdc/contracts';
import { createPool, createRedis, runMigrations, type Redis } from '@cbdc/platform';
import { freshDatabase, testLogger, testStackEnv, uniqueSuffix, type FreshDatabase } from '@cbdc/testing';
import type { CommercialBankSettings } from '../commercial-bank.settings';
import { customerAccount, dcSettlementAccount, postEntry } from '../core-banking/deposit-book';
import { KycCipher } from '../keys/kyc-cipher';
import { MerchantsService } from '../merchants/merchants.service';
import { PaymentWaiter } from '../payments/payment-waiter';
import { LedgerEventsService, type LedgerEvent } from './ledger-events.service';

jest.setTimeout(60_000);

const customerId = 'holder';
const depositFen = 10_000_000n;
const decisionWaitMs = 5_000;

type Result = CommandResultsV1['results'][number];
type Credit = WalletCreditsV1['credits'][number];

describe('the bank applies the ledger answers', () => {
  const logger = testLogger('ledger-answers-test');
  let database: FreshDatabase;
  let pool: Pool;
  let redis: Redis;
  let waiter: PaymentWaiter;
  let events: LedgerEventsService;
  let nextBatchId = 1n;
  let nextSequence = 1n;
  let nextWallet = 0;

  const results = (items: Result[], batchId = nextBatchId++): LedgerEvent => ({ type: 'results', body: { batchId, committedAt: Date.now(), results: items } });
  const credits = (items: Credit[], batchId = nextBatchId++): LedgerEvent => ({ type: 'credits', body: { batchId, committedAt: Date.now(), credits: items } });
  const settled = (commandId: string, sequence = nextSequence++): Result => ({ commandId, commandType: 'ledger.payment', status: 'accepted', sequence });

  async function openWallet(): Promise<string> {
    const walletId = `w${String(nextWallet++).padStart(3, '0')}-${uniqueSuffix()}`;
    await pool.query(
      `insert into wallets (id, customer_id, wallet_class, public_key, status, request_id, command_id) values ($1, $2, 4, $3, 'open', $4, $5)`,
      [walletId, customerId, randomBytes(32), `open-${walletId}`, `register-${walletId}`],
    );
    return walletId;
  }

  /** What a load request writes at the bank (deposit -> dc-settlement, a pending request); the ledger's result is sent by the test. */
  async function askLoad(walletId: string, amount: bigint): Promise<string> {
    const loadId = `load-${uniqueSuffix()}`;
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query(`insert into ledger_requests (kind, request_id, wallet_id, amount, command_id, status) values ('load', $1, $2, $3, $4, 'pending')`, [loadId, walletId, amount.toString(), `cmd-${loadId}`]);
      expect(await postEntry(client, { reference: `load:${loadId}`, debit: customerAccount(customerId), credit: dcSettlementAccount, amount })).toBe('posted');
      await client.query('commit');
    } catch (error) {
      await client.query('rollback');
      throw error;
    } finally {
      client.release();
    }
    return `cmd-${loadId}`;
  }

  async function loaded(amount: bigint): Promise<string> {
    const walletId = await openWallet();
    const commandId = await askLoad(walletId, amount);
    await events.applyEvents([results([{ commandId, commandType: 'ledger.load', status: 'accepted', sequence: nextSequence++ }])]);
    return walletId;
  }

  async function pay(payer: string, payee: string, amount: bigint): Promise<string> {
    const paymentId = `pay-${uniqueSuffix()}`;
    await pool.query("insert into payments (payment_id, payer_wallet_id, payee_wallet_id, amount, counter, signature) values ($1, $2, $3, $4, 1, repeat('ab', 64))", [paymentId, payer, payee, amount.toString()]);
    return paymentId;
  }

  async function mirror(walletId: string): Promise<bigint> {
    return BigInt((await pool.query<{ balance: string }>('select balance from wallets where id = $1', [walletId])).rows[0]!.balance);
  }

  async function account(id: string): Promise<bigint> {
    return BigInt((await pool.query<{ balance: string }>('select balance from deposit_accounts where id = $1', [id])).rows[0]!.balance);
  }

  /** Everything applying an answer can move, to compare before and after a redelivery. */
  async function books(): Promise<unknown> {
    const state = await pool.query(`
      select (select json_agg(json_build_object('id', id, 'balance', balance) order by id) from wallets) as wallets,
             (select json_agg(json_build_object('id', id, 'balance', balance) order by id) from deposit_accounts) as accounts,
             (select count(*) from wallet_history) as history,
             (select count(*) from deposit_entries) as entries,
             (select json_agg(json_build_object('id', payment_id, 'status', status, 'debited', payer_debited) order by payment_id) from payments) as payments,
             (select json_agg(json_build_object('id', request_id, 'status', status) order by request_id) from ledger_requests) as requests`);
    return state.rows[0];
  }

  /** The deposit book sums to zero and dc-settlement mirrors the DC our customers hold or are being given. */
  async function expectBalancedBooks(): Promise<void> {
    const row = (
      await pool.query<{ total: string; settlement: string; mirrors: string; pending: string }>(`
        select (select sum(balance) from deposit_accounts) as total,
               (select balance from deposit_accounts where id = 'dc-settlement') as settlement,
               (select coalesce(sum(balance), 0) from wallets) as mirrors,
               (select coalesce(sum(amount), 0) from ledger_requests where kind = 'load' and status = 'pending') as pending`)
    ).rows[0]!;
    expect(row.total).toBe('0');
    expect(BigInt(row.settlement)).toBe(BigInt(row.mirrors) + BigInt(row.pending));
  }

  beforeAll(async () => {
    database = await freshDatabase('ledger_answers_int');
    pool = createPool({ url: database.url, applicationName: 'ledger-answers-int' });
    await runMigrations(pool, path.join(__dirname, '..', '..', 'migrations'));
    redis = createRedis(testStackEnv().REDIS_URL);
    const settings = { BANK_ID: `bank-la${uniqueSuffix()}` } as CommercialBankSettings;
    waiter = new PaymentWaiter(redis, logger, settings);
    events = new LedgerEventsService(pool, logger, waiter, new MerchantsService(pool, new KycCipher(randomBytes(32)), settings));
    await pool.query(`insert into customers (id, name_sealed, phone_sealed) values ($1, '\\x00', '\\x00')`, [customerId]);
    await pool.query(`insert into deposit_accounts (id, kind, customer_id, contra) values ($1, 'customer', $2, false)`, [customerAccount(customerId), customerId]);
    const client = await pool.connect();
    try {
      expect(await postEntry(client, { reference: 'deposit:salary', debit: 'cash-in', credit: customerAccount(customerId), amount: depositFen })).toBe('posted');
    } finally {
      client.release();
    }
  });

  afterAll(async () => {
    await pool?.end();
    redis?.disconnect();
    await database?.drop();
  });

  it('settles a payment between two of its own wallets: payer debited on the result, payee credited on the credit, clearing back to zero, the waiting request answered', async () => {
    const payer = await loaded(50_000n);
    const payee = await openWallet();
    const paymentId = await pay(payer, payee, 12_345n);
    const clearingBefore = await account('clearing');
    const wait = waiter.wait(paymentId, decisionWaitMs);
    const result = settled(paymentId);
    await events.applyEvents([results([result])]);
    const decision = await wait.decision;
    wait.cancel();
    expect(decision).toEqual({ paymentId, status: 'settled', sequence: result.sequence!.toString(), settledAt: expect.any(String) });
    expect(await mirror(payer)).toBe(50_000n - 12_345n);
    expect(await account('clearing')).toBe(clearingBefore + 12_345n);
    await events.applyEvents([credits([{ paymentId, payerWalletId: payer, payeeWalletId: payee, amount: 12_345n, sequence: result.sequence! }])]);
    expect(await mirror(payee)).toBe(12_345n);
    expect(await account('clearing')).toBe(clearingBefore);
    const history = await pool.query('select wallet_id, kind, amount, counterparty from wallet_history where reference = $1 order by kind', [paymentId]);
    expect(history.rows).toEqual([
      { wallet_id: payee, kind: 'payment-in', amount: '12345', counterparty: payer },
      { wallet_id: payer, kind: 'payment-out', amount: '12345', counterparty: payee },
    ]);
    expect((await pool.query('select status, payer_debited from payments where payment_id = $1', [paymentId])).rows).toEqual([{ status: 'settled', payer_debited: true }]);
    await expectBalancedBooks();
  });

  it('changes nothing when the same messages are delivered again, alone or together, or the same answers come in a later batch', async () => {
    const payer = await loaded(40_000n);
    const payee = await openWallet();
    const paymentId = await pay(payer, payee, 1_000n);
    const rejectedId = await pay(payer, payee, 2_000n);
    const result = settled(paymentId);
    const answer = results([result, { commandId: rejectedId, commandType: 'ledger.payment', status: 'rejected', code: 'CLASS_LIMIT_DAILY', detail: 'over the daily limit' }]);
    const credit = credits([{ paymentId, payerWalletId: payer, payeeWalletId: payee, amount: 1_000n, sequence: result.sequence! }]);
    await events.applyEvents([answer, credit]);
    expect(await mirror(payer)).toBe(39_000n);
    expect(await mirror(payee)).toBe(1_000n);
    expect((await pool.query('select status, code, detail from payments where payment_id = $1', [rejectedId])).rows).toEqual([{ status: 'rejected', code: 'CLASS_LIMIT_DAILY', detail: 'over the daily limit' }]);
    const before = await books();

    const wait = waiter.wait(paymentId, 200);
    await events.applyEvents([answer]);
    await events.applyEvents([credit]);
    await events.applyEvents([credit, answer]);
    // The ledger answers a re-sent command again, in another batch: still pending is what moves.
    await events.applyEvents([results([result]), credits([{ paymentId, payerWalletId: payer, payeeWalletId: payee, amount: 1_000n, sequence: result.sequence! }])]);
    expect(await wait.decision).toBeNull();
    wait.cancel();
    expect(await books()).toEqual(before);
    await expectBalancedBooks();
  });

  it('applies a results message that mixes a load and the payment it funds: the load first, then the payment, once', async () => {
    const payer = await openWallet();
    const payee = await openWallet();
    const loadCommandId = await askLoad(payer, 30_000n);
    const paymentId = await pay(payer, payee, 25_000n);
    const wait = waiter.wait(paymentId, decisionWaitMs);
    // The payment's result comes first in the message; the load must still reach the mirror before the debit.
    const mixed = results([settled(paymentId), { commandId: loadCommandId, commandType: 'ledger.load', status: 'accepted', sequence: nextSequence++ }]);
    await events.applyEvents([mixed]);
    expect((await wait.decision)?.status).toBe('settled');
    wait.cancel();
    expect(await mirror(payer)).toBe(5_000n);
    expect((await pool.query('select status from ledger_requests where command_id = $1', [loadCommandId])).rows).toEqual([{ status: 'accepted' }]);
    expect((await pool.query('select payer_debited from payments where payment_id = $1', [paymentId])).rows).toEqual([{ payer_debited: true }]);
    const before = await books();
    await events.applyEvents([mixed]);
    expect(await books()).toEqual(before);
    await expectBalancedBooks();
  });

  it('keeps the order of a group mixing payments-only messages and a load, in one transaction', async () => {
    const payer = await loaded(10_000n);
    const payee = await openWallet();
    const loadCommandId = await askLoad(payer, 20_000n);
    const first = await pay(payer, payee, 8_000n);
    const second = await pay(payer, payee, 15_000n);
    const clearingBefore = await account('clearing');
    const firstResult = settled(first);
    const secondResult = settled(second);
    // The second payment needs the load; it settles on the ledger after it and its result comes in a later message.
    await events.applyEvents([
      results([firstResult]),
      results([{ commandId: loadCommandId, commandType: 'ledger.load', status: 'accepted', sequence: nextSequence++ }]),
      results([secondResult]),
      credits([
        { paymentId: first, payerWalletId: payer, payeeWalletId: payee, amount: 8_000n, sequence: firstResult.sequence! },
        { paymentId: second, payerWalletId: payer, payeeWalletId: payee, amount: 15_000n, sequence: secondResult.sequence! },
      ]),
    ]);
    expect(await mirror(payer)).toBe(10_000n + 20_000n - 8_000n - 15_000n);
    expect(await mirror(payee)).toBe(23_000n);
    expect((await pool.query('select count(*)::int as n from payments where payment_id = any($1) and payer_debited', [[first, second]])).rows).toEqual([{ n: 2 }]);
    expect(await account('clearing')).toBe(clearingBefore);
    await expectBalancedBooks();
  });

  it('lets a settled payment wait for the credit that funds it, never below zero, and debits it when that credit arrives', async () => {
    const stranger = `stranger-${uniqueSuffix()}`;
    const payer = await openWallet();
    const paymentId = await pay(payer, stranger, 700n);
    // On the ledger the funding credit comes first; its message arrives after the payment's result.
    const fundSequence = nextSequence++;
    const result = settled(paymentId);
    await events.applyEvents([results([result])]);
    expect(await mirror(payer)).toBe(0n);
    expect((await pool.query('select status, payer_debited from payments where payment_id = $1', [paymentId])).rows).toEqual([{ status: 'settled', payer_debited: false }]);
    const clearingBefore = await account('clearing');
    // A credit from another operator's wallet, and one to a wallet this bank does not know (ignored).
    await events.applyEvents([
      credits([
        { paymentId: `fund-${paymentId}`, payerWalletId: stranger, payeeWalletId: payer, amount: 1_000n, sequence: fundSequence },
        { paymentId: `lost-${paymentId}`, payerWalletId: stranger, payeeWalletId: `unknown-${uniqueSuffix()}`, amount: 5n, sequence: nextSequence++ },
      ]),
    ]);
    expect(await mirror(payer)).toBe(300n);
    expect((await pool.query('select payer_debited from payments where payment_id = $1', [paymentId])).rows).toEqual([{ payer_debited: true }]);
    // The credit took 1,000 out of clearing, the payment put 700 in.
    expect(await account('clearing')).toBe(clearingBefore - 1_000n + 700n);
    expect((await pool.query('select count(*)::int as n from wallet_history where reference = $1', [`lost-${paymentId}`])).rows).toEqual([{ n: 0 }]);
    await expectBalancedBooks();
  });

  it('debits a payer of this bank from the credit when the payment was made around the API (no payment row), once', async () => {
    const payer = await loaded(9_000n);
    const payee = await openWallet();
    const paymentId = `around-${uniqueSuffix()}`;
    const clearingBefore = await account('clearing');
    const credit = credits([{ paymentId, payerWalletId: payer, payeeWalletId: payee, amount: 4_000n, sequence: nextSequence++ }]);
    await events.applyEvents([credit]);
    await events.applyEvents([credit]);
    expect(await mirror(payer)).toBe(5_000n);
    expect(await mirror(payee)).toBe(4_000n);
    expect(await account('clearing')).toBe(clearingBefore);
    await expectBalancedBooks();
  });
});
