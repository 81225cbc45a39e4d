// Proves controllable anonymity end to end against the real PostgreSQL, Kafka and ledger engine:
// a bank escrows a holder's identity at wallet opening, the central bank's database holds no
// name, ID number or phone anywhere, a large payment and a structuring run produce reports that
// the regulator stores once each (delivered twice), an unmasking with k-1 approvals decrypts
// nothing while k distinct officials' shares open the identity for the requester only, and the
// opening's audit record is anchored as an accepted ledger entry (also through the officials'
// command line); a bank serves only its own wallets and reads only its own topics, and a payee
// sees the payer only as a wallet id.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AssignerProtocol } from 'kafkajs';
import { Pool } from 'pg';
import {
  encodeMessage,
  escrowedIdentityV1,
  loadMessage,
  openOfficialShare,
  paymentMessage,
  regulatorOfficialKeyV1,
  regulatorPublicMaterialV1,
  regulatorRequestBodyText,
  regulatorServiceKeyV1,
  registerWalletMessage,
  runKeyCeremony,
  signRegulatorRequest,
  type KeyCeremony,
  type KeyedMessage,
  type RegulatorOfficialKeyV1,
} from '@cbdc/contracts';
import { fromHex, generateKeyPair, sealToPublicKey, toHex, walletIdFromPublicKey } from '@cbdc/crypto';
import { createPolicy } from '@cbdc/ledger';
import { createPool, loadSettings } from '@cbdc/platform';
import { freshDatabase, staffKeyOf, startCentralLedger, startNestApp, testLogger, testStackEnv, uniqueSuffix, waitFor, type CentralLedger, type FreshDatabase } from '@cbdc/testing';
// eslint-disable-next-line no-restricted-imports -- tests only: the real central ledger engine, in-process.
import { startLedgerEngine } from '../../central-bank/src/ledger-engine/ledger-engine.runtime';
// eslint-disable-next-line no-restricted-imports -- tests only: the central bank's report tailer, driven step by step.
import { tailReportsOnce } from '../../central-bank/src/reports/report-tailer';
// eslint-disable-next-line no-restricted-imports -- tests only: the commercial bank, in-process, escrows identities.
import { CommercialBankModule } from '../../commercial-bank/src/commercial-bank.module';
// eslint-disable-next-line no-restricted-imports -- tests only.
import { loadCommercialBankSettings } from '../../commercial-bank/src/commercial-bank.settings';
// eslint-disable-next-line no-restricted-imports -- tests only: the officials' command line, in-process.
import { run as cbdc } from '../../cli/src/cli';
import { RegulatorModule } from './regulator.module';
import { regulatorPublicFileName, regulatorServiceKeyFileName, regulatorSettings } from './regulator.settings';

jest.setTimeout(240_000);

const logger = testLogger('controllable-anonymity-test');
/** A lower threshold than the default, so class 2 and 3 wallets can make and take "large" payments. */
const threshold = 100_000n;
const policy = createPolicy({ largeValueThreshold: threshold });
const decisionTimeoutMs = 30_000;

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

describe('controllable anonymity: escrow, reports, k-of-n unmasking, privacy boundaries', () => {
  const env = testStackEnv();
  const suffix = uniqueSuffix();
  const bankId = `bank-p${suffix}`;
  const otherBankId = `bank-q${suffix}`;
  const ledgerTopic = `test.ledger-commands.${suffix}`;
  const reportsTopic = `test.regulator-reports.${suffix}`;
  const keysDir = path.join(tmpdir(), `cbdc-regulator-${suffix}`);
  const bankKeysFile = path.join(tmpdir(), `cbdc-${bankId}-api-keys.json`);
  const otherBank = generateKeyPair();
  const digits = suffix.replace(/[^0-9]/g, '7').padEnd(8, '3').slice(0, 8);
  const person = { name: `Lin Meihua ${suffix}`, idNumber: `110101${digits}4514`, phone: `+86 139 ${digits}` };
  const payerIdentity = { name: `Payer Zhou ${suffix}`, phone: `+86 137 ${digits}` };

  let ceremony: KeyCeremony;
  let ledger: CentralLedger;
  let bankDatabase: FreshDatabase;
  let regulatorDatabase: FreshDatabase;
  let regulatorPool: Pool;
  let bankApp: NestFastifyApplication | null = null;
  let regulatorApp: NestFastifyApplication | null = null;
  let bankUrl = '';
  let regulatorUrl = '';
  let apiKey = '';

  const payer = { keys: generateKeyPair(), counter: 0n };
  const payerId = walletIdFromPublicKey(payer.keys.publicKey);
  const otherPayee = generateKeyPair();
  const otherPayeeId = walletIdFromPublicKey(otherPayee.publicKey);
  const holder = generateKeyPair();
  const holderId = walletIdFromPublicKey(holder.publicKey);
  const largePaymentId = `pay-large-${suffix}`;

  function official(index: number): RegulatorOfficialKeyV1 {
    return ceremony.officialKeys[index]!;
  }

  async function bankCall(method: 'GET' | 'POST', route: string, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = { 'x-api-key': apiKey };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${bankUrl}${route}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function regulatorCall(who: RegulatorOfficialKeyV1 | null, method: 'GET' | 'POST', route: string, body?: object, signedAt = Date.now()): Promise<Answer> {
    const text = regulatorRequestBodyText(body);
    const headers: Record<string, string> = who ? signRegulatorRequest(who.officialId, fromHex(who.signingPrivateKey), method, route, text, signedAt) : {};
    if (text !== '') headers['content-type'] = 'application/json';
    const response = await fetch(`${regulatorUrl}${route}`, { method, headers, ...(text === '' ? {} : { body: text }) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  function pay(payee: string, amount: bigint, commandId: string): KeyedMessage {
    payer.counter += 1n;
    return paymentMessage({ commandId, operatorId: otherBankId, payerWalletId: payerId, payeeWalletId: payee, amount, counter: payer.counter }, payer.keys.privateKey);
  }

  beforeAll(async () => {
    ceremony = await runKeyCeremony(3, 2);
    mkdirSync(keysDir, { recursive: true });
    writeFileSync(path.join(keysDir, regulatorPublicFileName), encodeMessage(regulatorPublicMaterialV1, ceremony.material));
    writeFileSync(path.join(keysDir, regulatorServiceKeyFileName), encodeMessage(regulatorServiceKeyV1, ceremony.serviceKey), { mode: 0o600 });
    for (const official of ceremony.officialKeys) {
      writeFileSync(path.join(keysDir, `${official.officialId}.json`), encodeMessage(regulatorOfficialKeyV1, official), { mode: 0o600 });
    }

    ledger = await startCentralLedger({
      name: 'anonymity',
      suffix,
      ledgerTopic,
      operatorIds: [bankId, otherBankId],
      extraTopics: [reportsTopic],
      startEngine: startLedgerEngine,
      policy,
      regulatorPublicKey: fromHex(ceremony.material.signingPublicKey),
      logger,
      decisionTimeoutMs,
    });
    bankDatabase = await freshDatabase('anonymity_bank');
    regulatorDatabase = await freshDatabase('anonymity_regulator');
    regulatorPool = createPool({ url: regulatorDatabase.url, applicationName: 'anonymity-regulator' });
    const bankSettings = loadCommercialBankSettings({
      BANK_ID: bankId,
      PORT: '7398',
      DATABASE_URL: bankDatabase.url,
      REDIS_URL: env.REDIS_URL,
      KAFKA_BROKERS: env.KAFKA_BROKERS,
      LEDGER_COMMANDS_TOPIC: ledgerTopic,
      API_KEYS_FILE: bankKeysFile,
      REGULATOR_PUBLIC_FILE: path.join(keysDir, regulatorPublicFileName),
      LOG_LEVEL: 'warn',
    });
    ({ app: bankApp, url: bankUrl } = await startNestApp(CommercialBankModule.forRoot(bankSettings, logger), logger));
    apiKey = staffKeyOf(bankKeysFile);
    const regulatorConfig = loadSettings(regulatorSettings, {
      PORT: '7397',
      DATABASE_URL: regulatorDatabase.url,
      REDIS_URL: env.REDIS_URL,
      KAFKA_BROKERS: env.KAFKA_BROKERS,
      REGULATOR_KEYS_DIR: keysDir,
      REGULATOR_REPORTS_TOPIC: reportsTopic,
      LEDGER_COMMANDS_TOPIC: ledgerTopic,
      CONSUMER_GROUP_PREFIX: `test-regulator-${suffix}`,
      LOG_LEVEL: 'warn',
    });
    ({ app: regulatorApp, url: regulatorUrl } = await startNestApp(RegulatorModule.forRoot(regulatorConfig, logger), logger));
  });

  afterAll(async () => {
    await bankApp?.close();
    await regulatorApp?.close();
    await ledger?.close();
    await regulatorPool?.end();
    await bankDatabase?.drop();
    await regulatorDatabase?.drop();
    rmSync(keysDir, { recursive: true, force: true });
    rmSync(bankKeysFile, { force: true });
  });

  it('opens a wallet whose escrow the ledger stores, with no name, ID number or phone in any table of the central bank', async () => {
    const operator = await bankCall('GET', '/v1/operator');
    await ledger.stock([
      { operatorId: bankId, publicKey: operator.body.publicKey as string },
      { operatorId: otherBankId, publicKey: toHex(otherBank.publicKey), reserve: 5_000_000n, issue: 5_000_000n },
    ]);
    // The other operator's payer: its escrow is sealed here as that operator's bank would.
    const payerEscrow = sealToPublicKey(
      new TextEncoder().encode(encodeMessage(escrowedIdentityV1, { operatorId: otherBankId, walletId: payerId, walletClass: 2, customerId: 'c-payer', ...payerIdentity })),
      fromHex(ceremony.material.escrowPublicKey),
      new TextEncoder().encode(payerId),
    );
    await ledger.send([
      registerWalletMessage({ commandId: `open-${payerId}`, operatorId: otherBankId, walletId: payerId, walletClass: 2, publicKey: toHex(payer.keys.publicKey), escrow: toHex(payerEscrow) }, otherBank.privateKey),
      registerWalletMessage({ commandId: `open-${otherPayeeId}`, operatorId: otherBankId, walletId: otherPayeeId, walletClass: 2, publicKey: toHex(otherPayee.publicKey) }, otherBank.privateKey),
    ]);
    await ledger.accepted([`open-${payerId}`, `open-${otherPayeeId}`]);
    await ledger.send([loadMessage({ commandId: `load-${payerId}`, operatorId: otherBankId, walletId: payerId, amount: 900_000n }, otherBank.privateKey)]);
    await ledger.accepted([`load-${payerId}`]);

    expect((await bankCall('POST', '/v1/customers', { customerId: `c-${suffix}`, ...person })).status).toBe(201);
    const opened = await bankCall('POST', '/v1/wallets', { customerId: `c-${suffix}`, publicKey: toHex(holder.publicKey), walletClass: 3, requestId: `open-${suffix}` });
    expect(opened.status).toBe(202);
    await waitFor(async () => (await bankCall('GET', `/v1/wallets/${holderId}`)).body.status === 'open', decisionTimeoutMs, { what: 'the holder wallet open' });
    const stored = await ledger.pool.query<{ escrow: Buffer | null }>('select escrow from wallets where id = $1', [holderId]);
    expect(stored.rows[0]!.escrow?.length).toBeGreaterThan(100);

    const tables = await ledger.pool.query<{ table_name: string }>("select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'");
    expect(tables.rows.length).toBeGreaterThan(5);
    // The search finds what is there: the wallet id (text) and its public key (bytea, as hex).
    const control = await ledger.pool.query<{ n: string }>(`select count(*) as n from wallets t where strpos(t::text, $1) > 0 and strpos(t::text, $2) > 0`, [holderId, toHex(holder.publicKey)]);
    expect(control.rows[0]!.n).toBe('1');
    const needles = [person.name, person.idNumber, person.phone, payerIdentity.name, payerIdentity.phone];
    for (const { table_name: table } of tables.rows) {
      for (const needle of needles) {
        // The row's text includes bytea columns as hex, so the needle is looked for in both forms.
        const found = await ledger.pool.query<{ n: string }>(
          `select count(*) as n from "${table}" t where strpos(t::text, $1) > 0 or strpos(t::text, $2) > 0`,
          [needle, Buffer.from(needle, 'utf8').toString('hex')],
        );
        expect([table, needle, found.rows[0]!.n]).toEqual([table, needle, '0']);
      }
    }
  });

  it('reports a large payment and a structuring run with escrows, delivered twice and stored once', async () => {
    await ledger.send([pay(holderId, 150_000n, largePaymentId)]);
    await ledger.accepted([largePaymentId]);
    const structuring = [1, 2, 3].map((n) => `pay-under-${n}-${suffix}`);
    for (const id of structuring) {
      await ledger.send([pay(otherPayeeId, 90_000n, id)]);
      await ledger.accepted([id]);
    }
    const rule = { paymentsMin: 3, shareBps: 8_000, windowHours: 24 };
    const step = await tailReportsOnce(ledger.pool, { topic: reportsTopic, structuring: rule, threshold: () => threshold });
    expect(step.reports.map((r) => r.reportId)).toEqual([`large-value:${largePaymentId}`, `structuring:${structuring[2]}`]);
    const large = step.reports[0]!;
    expect(large.escrows.map((e) => e.walletId)).toEqual([payerId, holderId]);
    expect(large.escrows.every((e) => typeof e.escrow === 'string')).toBe(true);
    expect(step.reports[1]!.payments.map((p) => p.paymentId)).toEqual(structuring);
    // A second step finds nothing new: the position moved with the reports.
    expect((await tailReportsOnce(ledger.pool, { topic: reportsTopic, structuring: rule, threshold: () => threshold })).reports).toEqual([]);

    // Publish the central bank's outbox rows twice, as a relay that crashed after sending would.
    const outbox = await ledger.pool.query<{ key: string; payload: unknown }>('select key, payload from outbox where topic = $1 order by id', [reportsTopic]);
    expect(outbox.rows).toHaveLength(2);
    const messages = outbox.rows.map((row) => ({ key: row.key, value: JSON.stringify(row.payload) }));
    await ledger.producer.send({ topic: reportsTopic, acks: -1, messages: [...messages, ...messages] });
    await waitFor(async () => (await regulatorPool.query<{ n: string }>('select count(*) as n from reports')).rows[0]!.n === '2', decisionTimeoutMs, { what: 'the regulator to store the reports' });
    const listed = await regulatorCall(official(2), 'GET', '/v1/reports');
    expect(listed.status).toBe(200);
    expect((listed.body.reports as unknown[]).length).toBe(2);
    expect(JSON.stringify(listed.body)).not.toContain(person.name);
  });

  it('refuses unsigned, forged and stale requests', async () => {
    expect((await regulatorCall(null, 'GET', '/v1/reports')).body.code).toBe('UNAUTHORIZED');
    const forged = { ...official(0), signingPrivateKey: toHex(generateKeyPair().privateKey) };
    expect((await regulatorCall(forged, 'GET', '/v1/reports')).status).toBe(401);
    expect((await regulatorCall(official(0), 'GET', '/v1/reports', undefined, Date.now() - 3_600_000)).status).toBe(401);
  });

  it('decrypts nothing with k-1 approvals, opens the identity for the requester with k, and anchors the audit record', async () => {
    const requestId = `unmask-${suffix}`;
    const create = await regulatorCall(official(0), 'POST', '/v1/unmasking-requests', { requestId, caseId: 'CASE-2026-117', legalBasis: 'Anti-Money Laundering Law art. 32', walletId: holderId });
    expect(create).toMatchObject({ status: 201, body: { status: 'open', threshold: 2, approvedBy: [] } });
    const shareOf = (index: number) => toHex(openOfficialShare(ceremony.material, official(index)));

    const approve1 = await regulatorCall(official(0), 'POST', `/v1/unmasking-requests/${requestId}/approvals`, { share: shareOf(0) });
    expect(approve1.body.approvedBy).toEqual(['official-1']);
    // The same official again does not count twice.
    await regulatorCall(official(0), 'POST', `/v1/unmasking-requests/${requestId}/approvals`, { share: shareOf(0) });
    const tooFew = await regulatorCall(official(0), 'POST', `/v1/unmasking-requests/${requestId}/open`);
    expect(tooFew).toMatchObject({ status: 409, body: { code: 'THRESHOLD_NOT_MET', approvals: 1, threshold: 2 } });
    expect(JSON.stringify(tooFew.body)).not.toContain(person.name);
    // Another official cannot submit someone else's share.
    const stolen = await regulatorCall(official(1), 'POST', `/v1/unmasking-requests/${requestId}/approvals`, { share: shareOf(2) });
    expect(stolen).toMatchObject({ status: 422, body: { code: 'SHARE_NOT_OF_OFFICIAL' } });

    const approve2 = await regulatorCall(official(1), 'POST', `/v1/unmasking-requests/${requestId}/approvals`, { share: shareOf(1) });
    expect(approve2.body.approvedBy).toEqual(['official-1', 'official-2']);
    expect((await regulatorCall(official(1), 'POST', `/v1/unmasking-requests/${requestId}/open`)).body.code).toBe('NOT_REQUESTER');
    const opened = await regulatorCall(official(0), 'POST', `/v1/unmasking-requests/${requestId}/open`);
    expect(opened.status).toBe(200);
    expect(opened.body.identity).toEqual({ operatorId: bankId, walletId: holderId, walletClass: 3, customerId: `c-${suffix}`, ...person });
    expect((await regulatorCall(official(0), 'POST', `/v1/unmasking-requests/${requestId}/open`)).body.code).toBe('ALREADY_OPENED');

    const anchorCommandId = opened.body.anchorCommandId as string;
    await ledger.accepted([anchorCommandId]);
    const entry = await ledger.pool.query<{ facts: { digest: string; recordId: string }; amount: string | null }>('select facts, amount from ledger_commands where command_id = $1', [anchorCommandId]);
    expect(entry.rows[0]).toEqual({ facts: { digest: opened.body.auditDigest, recordId: requestId }, amount: null });
    await waitFor(
      async () => (await regulatorPool.query<{ anchored_sequence: string | null }>('select anchored_sequence from audit_records where anchor_command_id = $1', [anchorCommandId])).rows[0]?.anchored_sequence != null,
      decisionTimeoutMs,
      { what: 'the regulator to see its audit record anchored' },
    );
    const trail = await regulatorCall(official(2), 'GET', `/v1/unmasking-requests/${requestId}/audit`);
    expect((trail.body as unknown as { action: string }[]).map((r) => r.action)).toEqual(['requested', 'approved', 'refused', 'refused', 'approved', 'opened']);
    expect(JSON.stringify(trail.body)).not.toContain(person.name);
  });

  it('lets officials do the same with the command line: list reports, request, approve with their own files, open', async () => {
    const cli = async (argv: string[]): Promise<{ code: number; json: Record<string, unknown>; stderr: string }> => {
      let stdout = '';
      let stderr = '';
      const code = await cbdc([...argv, '--url', regulatorUrl, '--json'], {
        stdout: (text) => void (stdout += text),
        stderr: (text) => void (stderr += text),
        env: {},
        now: () => new Date(),
        cwd: keysDir,
      });
      return { code, json: JSON.parse(stdout || '{}') as Record<string, unknown>, stderr };
    };
    const reports = await cli(['regulator', 'reports', '--official', 'official-3.json']);
    expect(reports.code).toBe(0);
    expect((reports.json.reports as unknown[]).length).toBe(2);
    const requestId = `unmask-payer-${suffix}`;
    const request = ['--request-id', requestId];
    expect((await cli(['regulator', 'request', '--official', 'official-3.json', ...request, '--case', 'CASE-2026-118', '--legal-basis', 'court order 2026-77', '--wallet', payerId])).code).toBe(0);
    expect((await cli(['regulator', 'approve', '--official', 'official-3.json', '--public', regulatorPublicFileName, ...request])).code).toBe(0);
    const early = await cli(['regulator', 'open', '--official', 'official-3.json', ...request]);
    expect(early.code).toBe(1);
    expect(JSON.stringify(early)).toContain('THRESHOLD_NOT_MET');
    expect((await cli(['regulator', 'approve', '--official', 'official-1.json', '--public', regulatorPublicFileName, ...request])).code).toBe(0);
    const opened = await cli(['regulator', 'open', '--official', 'official-3.json', ...request]);
    expect(opened.code).toBe(0);
    expect(opened.json.identity).toMatchObject({ walletId: payerId, operatorId: otherBankId, ...payerIdentity });
    await ledger.accepted([opened.json.anchorCommandId as string]);
  });

  it('keeps operators apart: a bank serves only its wallets and reads only its own topics; a payee sees only the payer pseudonym', async () => {
    expect((await bankCall('GET', `/v1/wallets/${otherPayeeId}`)).body.code).toBe('UNKNOWN_WALLET');
    expect((await bankCall('GET', `/v1/wallets/${payerId}`)).status).toBe(404);

    const admin = ledger.kafka.admin();
    await admin.connect();
    try {
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((id) => id.startsWith(`${bankId}.`));
      expect(groups.length).toBeGreaterThan(0);
      const described = await admin.describeGroups(groups);
      const topics = new Set<string>();
      for (const group of described.groups) {
        for (const member of group.members) {
          const assignment = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
          for (const topic of Object.keys(assignment?.assignment ?? {})) topics.add(topic);
        }
      }
      expect(topics.size).toBeGreaterThan(0);
      for (const topic of topics) expect(topic.startsWith(`operator.${bankId}.`)).toBe(true);
    } finally {
      await admin.disconnect();
    }

    const view = await waitFor(
      async () => {
        const answer = await bankCall('GET', `/v1/wallets/${holderId}`);
        return (answer.body.history as { reference: string }[]).some((h) => h.reference === largePaymentId) ? answer : undefined;
      },
      decisionTimeoutMs,
      { what: 'the payee credit in the bank' },
    );
    const text = JSON.stringify(view.body);
    expect(text).not.toContain(payerIdentity.name);
    expect(text).not.toContain(payerIdentity.phone);
  });
});
