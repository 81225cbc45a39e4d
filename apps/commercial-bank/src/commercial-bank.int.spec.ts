// Proves, against the real PostgreSQL, Kafka and the real central ledger engine, that a bank opens wallets on the central ledger without ever sending it a name, ID number or phone, moves deposits into DC and back with both ledgers agreeing, reverses the deposit debit of every load the ledger rejects, gives a repeated load one effect, loses nothing when it restarts between writing its outbox and publishing it, and mirrors credits to its wallets.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Pool } from 'pg';
import { loadMessage, paymentMessage, registerWalletMessage } from '@cbdc/contracts';
import { encodeUnloadForSigning, generateKeyPair, sign, toHex, walletIdFromPublicKey, type Ed25519KeyPair } from '@cbdc/crypto';
import { createPolicy } from '@cbdc/ledger';
import { createPool } from '@cbdc/platform';
import { freshDatabase, staffKeyOf, startCentralLedger, startNestApp, testLogger, testStackEnv, uniqueSuffix, waitFor, type CentralLedger, type FreshDatabase } from '@cbdc/testing';
// eslint-disable-next-line no-restricted-imports -- tests only: the real central ledger engine, in-process, answers this bank.
import { startLedgerEngine } from '../../central-bank/src/ledger-engine/ledger-engine.runtime';
import { CommercialBankModule } from './commercial-bank.module';
import { loadCommercialBankSettings } from './commercial-bank.settings';

jest.setTimeout(180_000);

const logger = testLogger('commercial-bank-test');
const policy = createPolicy();
const cap4 = policy.classLimits[4].balanceCap;
const decisionTimeoutMs = 30_000;

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

describe('commercial bank against the real central ledger', () => {
  const env = testStackEnv();
  const suffix = uniqueSuffix();
  const bankId = `bank-t${suffix}`;
  const otherBankId = `bank-u${suffix}`;
  const ledgerTopic = `test.ledger-commands.${suffix}`;
  const keysFile = path.join(tmpdir(), `cbdc-${bankId}-api-keys.json`);
  const otherBank = generateKeyPair();
  const person = { name: `Holder ${suffix}`, idNumber: `ID${suffix}X`, phone: `+86 138 ${suffix.slice(-8).replace(/[^0-9]/g, '7')}` };

  let ledger: CentralLedger;
  let bankDatabase: FreshDatabase;
  let bank: Pool;
  let app: NestFastifyApplication | null = null;
  let url = '';
  let apiKey = '';

  async function startBank(publishOutbox = true): Promise<void> {
    const settings = loadCommercialBankSettings({
      BANK_ID: bankId,
      PORT: '7399',
      DATABASE_URL: bankDatabase.url,
      REDIS_URL: env.REDIS_URL,
      KAFKA_BROKERS: env.KAFKA_BROKERS,
      LEDGER_COMMANDS_TOPIC: ledgerTopic,
      API_KEYS_FILE: keysFile,
      LOG_LEVEL: 'warn',
    });
    ({ app, url } = await startNestApp(CommercialBankModule.forRoot(settings, logger, { publishOutbox }), logger));
    apiKey = staffKeyOf(keysFile);
  }

  async function stopBank(): Promise<void> {
    await app?.close();
    app = null;
  }

  async function call(method: 'GET' | 'POST', route: string, body?: unknown, key: string | null = apiKey): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (key !== null) headers['x-api-key'] = key;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${url}${route}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function customer(customerId: string): Promise<{ depositBalance: bigint }> {
    const answer = await call('GET', `/v1/customers/${customerId}`);
    expect(answer.status).toBe(200);
    return { depositBalance: BigInt(answer.body.depositBalance as string) };
  }

  async function openWallet(customerId: string, walletClass: 3 | 4, keys: Ed25519KeyPair): Promise<string> {
    const answer = await call('POST', '/v1/wallets', { customerId, publicKey: toHex(keys.publicKey), walletClass, requestId: `open-${toHex(keys.publicKey).slice(0, 16)}` });
    expect(answer.status).toBe(202);
    const walletId = walletIdFromPublicKey(keys.publicKey);
    expect(answer.body).toMatchObject({ walletId, status: 'pending', walletClass });
    await waitFor(async () => (await call('GET', `/v1/wallets/${walletId}`)).body.status === 'open', decisionTimeoutMs, { what: `wallet ${walletId} open` });
    return walletId;
  }

  async function decidedLoad(walletId: string, loadId: string): Promise<Record<string, unknown>> {
    return waitFor(
      async () => {
        const answer = await call('GET', `/v1/wallets/${walletId}/loads/${loadId}`);
        return answer.body.status !== 'pending' ? answer.body : undefined;
      },
      decisionTimeoutMs,
      { what: `load ${loadId} decided` },
    );
  }

  /** The bank's books balance, and every wallet mirror equals its balance on the central ledger. */
  async function ledgersAgree(): Promise<void> {
    const books = await bank.query<{ total: string; negatives: string; settlement: string; mirrors: string; pending: string }>(`
      select (select sum(balance) from deposit_accounts) as total,
             (select count(*) from deposit_accounts where not contra and balance < 0) as negatives,
             (select balance from deposit_accounts where id = 'dc-settlement') as settlement,
             (select coalesce(sum(balance), 0) from wallets) as mirrors,
             (select coalesce(sum(amount), 0) from ledger_requests where kind = 'load' and status = 'pending') as pending`);
    const row = books.rows[0]!;
    expect(row.total).toBe('0');
    expect(row.negatives).toBe('0');
    // dc-settlement mirrors the DC the customers hold plus what is on its way to them.
    expect(BigInt(row.settlement)).toBe(BigInt(row.mirrors) + BigInt(row.pending));
    const wallets = await bank.query<{ id: string; balance: string }>('select id, balance from wallets where status = $1', ['open']);
    for (const wallet of wallets.rows) expect(await ledger.balance(`wallet:${wallet.id}`)).toBe(BigInt(wallet.balance));
  }

  beforeAll(async () => {
    ledger = await startCentralLedger({
      name: 'bank_int',
      suffix,
      ledgerTopic,
      operatorIds: [bankId, otherBankId],
      startEngine: startLedgerEngine,
      policy,
      logger,
      decisionTimeoutMs,
    });
    bankDatabase = await freshDatabase('bank_int_bank');
    bank = createPool({ url: bankDatabase.url, applicationName: 'bank-int-bank' });
    await startBank();
  });

  afterAll(async () => {
    await stopBank();
    await ledger?.close();
    await bank?.end();
    await bankDatabase?.drop();
    rmSync(keysFile, { force: true });
  });

  it('shows its operator key openly, refuses the staff API without a key, and answers bad input with stable codes', async () => {
    const operator = await call('GET', '/v1/operator', undefined, null);
    expect(operator.status).toBe(200);
    expect(operator.body.operatorId).toBe(bankId);
    expect(operator.body.publicKey).toMatch(/^[0-9a-f]{64}$/);
    expect((await call('GET', '/v1/customers/nobody', undefined, null)).body.code).toBe('UNAUTHORIZED');
    expect((await call('GET', '/v1/customers/nobody', undefined, 'staff-00000000.wrong')).status).toBe(401);
    const money = await call('POST', '/v1/customers', { name: 'A', phone: 12345 });
    expect(money.status).toBe(400);
    expect(money.body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'phone' });
    expect((await call('GET', '/v1/customers/nobody')).body.code).toBe('UNKNOWN_CUSTOMER');
    expect((await call('GET', `/v1/wallets/${walletIdFromPublicKey(generateKeyPair().publicKey)}`)).body.code).toBe('UNKNOWN_WALLET');
  });

  const holderA = generateKeyPair();
  const holderB = generateKeyPair();
  let walletA = '';
  let walletB = '';

  it('registers the operator on the central ledger and stocks its vault', async () => {
    const operator = await call('GET', '/v1/operator', undefined, null);
    await ledger.stock([
      { operatorId: bankId, publicKey: operator.body.publicKey as string, reserve: cap4 * 10n, issue: cap4 * 2n },
      { operatorId: otherBankId, publicKey: toHex(otherBank.publicKey), reserve: cap4, issue: cap4 },
    ]);
    expect(await ledger.balance(`vault:${bankId}`)).toBe(cap4 * 2n);
  });

  it('opens wallets on the central ledger without sending it any name, ID number or phone', async () => {
    const a = await call('POST', '/v1/customers', { customerId: `a-${suffix}`, ...person });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ customerId: `a-${suffix}`, name: person.name, idNumber: person.idNumber, phone: person.phone, depositBalance: '0' });
    expect((await call('POST', '/v1/customers', { customerId: `a-${suffix}`, ...person })).body.code).toBe('CUSTOMER_EXISTS');
    const b = await call('POST', '/v1/customers', { customerId: `b-${suffix}`, name: `Phone Only ${suffix}`, phone: person.phone });
    expect(b.status).toBe(201);

    // Class 3 needs an ID number on file.
    const refused = await call('POST', '/v1/wallets', { customerId: `b-${suffix}`, publicKey: toHex(holderB.publicKey), walletClass: 3, requestId: `r3-${suffix}` });
    expect(refused).toMatchObject({ status: 422, body: { code: 'KYC_INSUFFICIENT' } });

    walletA = await openWallet(`a-${suffix}`, 3, holderA);
    walletB = await openWallet(`b-${suffix}`, 4, holderB);
    const registered = await ledger.pool.query<{ id: string; operator_id: string; wallet_class: number }>('select id, operator_id, wallet_class from wallets where id = any($1) order by wallet_class', [
      [walletA, walletB],
    ]);
    expect(registered.rows).toEqual([
      { id: walletA, operator_id: bankId, wallet_class: 3 },
      { id: walletB, operator_id: bankId, wallet_class: 4 },
    ]);
    // A second request for the same key is refused; the same request again answers the same wallet.
    expect((await call('POST', '/v1/wallets', { customerId: `b-${suffix}`, publicKey: toHex(holderB.publicKey), walletClass: 4, requestId: `other-${suffix}` })).body.code).toBe('WALLET_EXISTS');

    // Every text column of every table of the central database, searched for the holder's identity.
    const columns = await ledger.pool.query<{ table_name: string; column_name: string }>(
      `select table_name, column_name from information_schema.columns
       where table_schema = 'public' and data_type in ('text', 'character varying', 'character', 'json', 'jsonb')`,
    );
    expect(columns.rows.length).toBeGreaterThan(10);
    const needles = [person.name, person.idNumber, person.phone, `Phone Only ${suffix}`];
    for (const column of columns.rows) {
      const found = await ledger.pool.query<{ n: string }>(
        `select count(*) as n from "${column.table_name}" where position($1 in "${column.column_name}"::text) > 0 or position($2 in "${column.column_name}"::text) > 0
           or position($3 in "${column.column_name}"::text) > 0 or position($4 in "${column.column_name}"::text) > 0`,
        needles,
      );
      expect({ column: `${column.table_name}.${column.column_name}`, matches: found.rows[0]!.n }).toEqual({ column: `${column.table_name}.${column.column_name}`, matches: '0' });
    }
    // The bank keeps the identity, but encrypted at rest.
    const sealed = await bank.query<{ n: string }>(
      "select count(*) as n from customers where position(convert_to($1, 'UTF8') in name_sealed) > 0 or position(convert_to($2, 'UTF8') in id_number_sealed) > 0",
      [person.name, person.idNumber],
    );
    expect(sealed.rows[0]!.n).toBe('0');
  });

  it('loads deposit money into a wallet, once per loadId, with both ledgers agreeing', async () => {
    const deposit = { depositId: `salary-${suffix}`, amount: (cap4 * 3n).toString() };
    const first = await call('POST', `/v1/customers/a-${suffix}/deposits`, deposit);
    expect(first).toMatchObject({ status: 200, body: { depositBalance: (cap4 * 3n).toString() } });
    expect((await call('POST', `/v1/customers/a-${suffix}/deposits`, deposit)).body.depositBalance).toBe((cap4 * 3n).toString());
    expect((await call('POST', `/v1/customers/a-${suffix}/deposits`, { ...deposit, amount: '1' })).body.code).toBe('IDEMPOTENCY_CONFLICT');
    expect((await call('POST', `/v1/customers/a-${suffix}/deposits`, { depositId: 'x', amount: 5 })).body.code).toBe('VALIDATION_FAILED');

    const amount = cap4 / 2n;
    const load = { loadId: `load-1-${suffix}`, amount: amount.toString() };
    const asked = await call('POST', `/v1/wallets/${walletA}/loads`, load);
    expect(asked).toMatchObject({ status: 202, body: { requestId: load.loadId, walletId: walletA, status: 'pending' } });
    // The deposit is debited at once, in the same transaction as the command.
    expect((await customer(`a-${suffix}`)).depositBalance).toBe(cap4 * 3n - amount);
    const again = await call('POST', `/v1/wallets/${walletA}/loads`, load);
    expect(again.status).toBe(202);
    expect((await call('POST', `/v1/wallets/${walletA}/loads`, { ...load, amount: '1' })).body.code).toBe('IDEMPOTENCY_CONFLICT');

    expect(await decidedLoad(walletA, load.loadId)).toMatchObject({ status: 'accepted', code: null });
    const wallet = await call('GET', `/v1/wallets/${walletA}`);
    expect(wallet.body).toMatchObject({ status: 'open', walletClass: 3, balance: amount.toString() });
    expect(wallet.body.history).toEqual([expect.objectContaining({ kind: 'load', reference: load.loadId, amount: amount.toString() })]);
    expect(await ledger.balance(`wallet:${walletA}`)).toBe(amount);
    expect(await ledger.balance(`vault:${bankId}`)).toBe(cap4 * 2n - amount);
    expect((await customer(`a-${suffix}`)).depositBalance).toBe(cap4 * 3n - amount);
    const commands = await ledger.pool.query<{ n: string }>("select count(*) as n from ledger_commands where command_type = 'ledger.load' and operator_id = $1", [bankId]);
    expect(commands.rows[0]!.n).toBe('1');
    await ledgersAgree();

    expect((await call('POST', `/v1/wallets/${walletA}/loads`, { loadId: `too-much-${suffix}`, amount: (cap4 * 10n).toString() })).body.code).toBe('INSUFFICIENT_DEPOSIT');

    // The same load sent five times at once still debits once and reaches the ledger once.
    const racing = { loadId: `racing-${suffix}`, amount: '100' };
    const depositBefore = (await customer(`a-${suffix}`)).depositBalance;
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => call('POST', `/v1/wallets/${walletA}/loads`, racing)));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    expect(await decidedLoad(walletA, racing.loadId)).toMatchObject({ status: 'accepted' });
    expect((await customer(`a-${suffix}`)).depositBalance).toBe(depositBefore - 100n);
    const outboxed = await bank.query<{ n: string }>("select count(*) as n from outbox where payload->>'commandId' = $1", [`${bankId}:load:${racing.loadId}`]);
    expect(outboxed.rows[0]!.n).toBe('1');
    await ledgersAgree();
  });

  it('gives the deposit back when the ledger rejects a load over the class cap or above the vault', async () => {
    await call('POST', `/v1/customers/b-${suffix}/deposits`, { depositId: `cash-b-${suffix}`, amount: (cap4 * 2n).toString() });
    const overCap = { loadId: `over-cap-${suffix}`, amount: (cap4 + 1n).toString() };
    expect((await call('POST', `/v1/wallets/${walletB}/loads`, overCap)).status).toBe(202);
    expect((await customer(`b-${suffix}`)).depositBalance).toBe(cap4 - 1n);
    expect(await decidedLoad(walletB, overCap.loadId)).toMatchObject({ status: 'rejected', code: 'CLASS_LIMIT_BALANCE' });
    expect((await customer(`b-${suffix}`)).depositBalance).toBe(cap4 * 2n);

    const vaultLeft = await ledger.balance(`vault:${bankId}`);
    const overVault = { loadId: `over-vault-${suffix}`, amount: (vaultLeft + 1n).toString() };
    const before = (await customer(`a-${suffix}`)).depositBalance;
    expect((await call('POST', `/v1/wallets/${walletA}/loads`, overVault)).status).toBe(202);
    expect(await decidedLoad(walletA, overVault.loadId)).toMatchObject({ status: 'rejected', code: 'INSUFFICIENT_FUNDS' });
    expect((await customer(`a-${suffix}`)).depositBalance).toBe(before);
    expect((await call('GET', `/v1/wallets/${walletB}`)).body.balance).toBe('0');
    expect(await ledger.balance(`vault:${bankId}`)).toBe(vaultLeft);
    await ledgersAgree();
  });

  it('loses nothing when it stops after committing a load and before publishing it, or while the ledger answers', async () => {
    await stopBank();
    await startBank(false);
    const load = { loadId: `restart-${suffix}`, amount: '1000' };
    const before = (await customer(`a-${suffix}`)).depositBalance;
    expect((await call('POST', `/v1/wallets/${walletA}/loads`, load)).status).toBe(202);
    const unpublished = await bank.query<{ n: string }>('select count(*) as n from outbox where published_at is null');
    expect(unpublished.rows[0]!.n).toBe('1');
    await stopBank();
    const commandId = `${bankId}:load:${load.loadId}`;
    expect((await ledger.pool.query('select 1 from ledger_commands where command_id = $1', [commandId])).rows).toHaveLength(0);

    await startBank();
    expect(await decidedLoad(walletA, load.loadId)).toMatchObject({ status: 'accepted' });
    expect((await customer(`a-${suffix}`)).depositBalance).toBe(before - 1000n);
    expect((await bank.query<{ n: string }>('select count(*) as n from outbox where published_at is null')).rows[0]!.n).toBe('0');
    await ledgersAgree();

    // Down while the ledger answers: the answer waits on the bank's topic and is applied once on return.
    const whileDown = { loadId: `while-down-${suffix}`, amount: '500' };
    expect((await call('POST', `/v1/wallets/${walletA}/loads`, whileDown)).status).toBe(202);
    await stopBank();
    await ledger.decided([`${bankId}:load:${whileDown.loadId}`]);
    await startBank();
    expect(await decidedLoad(walletA, whileDown.loadId)).toMatchObject({ status: 'accepted' });
    expect((await customer(`a-${suffix}`)).depositBalance).toBe(before - 1500n);
    const customerA = await call('GET', `/v1/customers/a-${suffix}`);
    expect(customerA.body.wallets).toEqual([expect.objectContaining({ walletId: walletA, status: 'open', walletClass: 3 })]);
    await ledgersAgree();
  });

  it('unloads with the holder’s signature back into the deposit, and refuses a forged one', async () => {
    const amount = 2_000n;
    const unloadId = `unload-1-${suffix}`;
    const signed = encodeUnloadForSigning({ operatorId: bankId, walletId: walletA, amount, counter: 1n, commandId: `${bankId}:unload:${unloadId}` });
    const forged = await call('POST', `/v1/wallets/${walletA}/unloads`, { unloadId, amount: '2000', counter: '1', walletSignature: toHex(sign(signed, holderB.privateKey)) });
    expect(forged).toMatchObject({ status: 422, body: { code: 'BAD_SIGNATURE' } });
    const mirror = BigInt((await call('GET', `/v1/wallets/${walletA}`)).body.balance as string);
    const deposit = (await customer(`a-${suffix}`)).depositBalance;
    const asked = await call('POST', `/v1/wallets/${walletA}/unloads`, { unloadId, amount: '2000', counter: '1', walletSignature: toHex(sign(signed, holderA.privateKey)) });
    expect(asked).toMatchObject({ status: 202, body: { status: 'pending' } });
    const decided = await waitFor(
      async () => {
        const answer = await call('GET', `/v1/wallets/${walletA}/unloads/${unloadId}`);
        return answer.body.status !== 'pending' ? answer.body : undefined;
      },
      decisionTimeoutMs,
      { what: 'the unload decided' },
    );
    expect(decided).toMatchObject({ status: 'accepted' });
    expect((await call('GET', `/v1/wallets/${walletA}`)).body.balance).toBe((mirror - amount).toString());
    expect((await customer(`a-${suffix}`)).depositBalance).toBe(deposit + amount);
    await ledgersAgree();
  });

  it('mirrors payments to its wallets, from its own wallets and from another operator’s', async () => {
    // A holder of the other operator, loaded by it, pays our class-4 wallet.
    const stranger = generateKeyPair();
    const strangerId = walletIdFromPublicKey(stranger.publicKey);
    await ledger.send([registerWalletMessage({ commandId: `open-${strangerId}`, operatorId: otherBankId, walletId: strangerId, walletClass: 4, publicKey: toHex(stranger.publicKey) }, otherBank.privateKey)]);
    await ledger.decided([`open-${strangerId}`]);
    await ledger.send([loadMessage({ commandId: `load-${strangerId}`, operatorId: otherBankId, walletId: strangerId, amount: 30_000n }, otherBank.privateKey)]);
    await ledger.decided([`load-${strangerId}`]);
    const fromStranger = `pay-in-${suffix}`;
    const fromA = `pay-a-${suffix}`;
    await ledger.send([
      paymentMessage({ commandId: fromStranger, operatorId: otherBankId, payerWalletId: strangerId, payeeWalletId: walletB, amount: 7_000n, counter: 1n }, stranger.privateKey),
      paymentMessage({ commandId: fromA, operatorId: bankId, payerWalletId: walletA, payeeWalletId: walletB, amount: 3_000n, counter: 2n }, holderA.privateKey),
    ]);
    await ledger.decided([fromStranger, fromA]);
    const walletBAfter = await waitFor(
      async () => {
        const answer = await call('GET', `/v1/wallets/${walletB}`);
        return answer.body.balance === '10000' ? answer.body : undefined;
      },
      decisionTimeoutMs,
      { what: 'both credits mirrored' },
    );
    expect(walletBAfter.history).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'payment-in', reference: fromStranger, amount: '7000' }),
        expect.objectContaining({ kind: 'payment-in', reference: fromA, amount: '3000' }),
      ]),
    );
    expect((await call('GET', `/v1/wallets/${walletA}`)).body.history).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'payment-out', reference: fromA, amount: '3000' })]));
    const clearing = await bank.query<{ balance: string }>("select balance from deposit_accounts where id = 'clearing'");
    expect(clearing.rows[0]!.balance).toBe('-7000');
    await ledgersAgree();
  });
});
