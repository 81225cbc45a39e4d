/**
 * How the load test reaches the running system outside the measured requests: the stack's
 * settings, staff keys, the operators' setup (registration, reserves, digital cash in the vault),
 * and read-only queries of the databases. None of this is timed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { Pool } from 'pg';
import type { BlockLagView, StatementTimeView } from './loadtest-report';
import { centralBankControlTopic, issueRecallRequestMessage } from '@cbdc/contracts';
import { parseEnvFile } from '../scripts/system-processes';

/** Every HTTP call of the setup gives up after this long. */
export const setupRequestTimeoutMs = 15_000;
/** How long a setup step (an issue, wallets opening, loads settling) may take. */
export const setupWaitMs = 180_000;
/** Automatic-issue quota of an operator the load test registers itself. */
export const issueQuotaAutoFen = 100_000_000n;
const pollIntervalMs = 250;

export interface BankAccess {
  readonly operatorId: string;
  readonly url: string;
  readonly staffKey: string;
  readonly db: Pool;
}

export interface SystemAccess {
  readonly stackDir: string;
  readonly centralBankUrl: string;
  readonly centralBankKey: string;
  readonly banks: readonly BankAccess[];
  readonly centralDb: Pool;
  readonly kafkaBrokers: string;
  /** The stack's Kafka admin principal from its env file; undefined for a broker without authentication. */
  readonly kafkaSasl?: SASLOptions;
  close(): Promise<void>;
}

export interface HttpAnswer {
  readonly status: number;
  readonly json: Record<string, unknown>;
}

export async function http(method: 'GET' | 'POST', url: string, body?: unknown, apiKey?: string): Promise<HttpAnswer> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(setupRequestTimeoutMs) });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { text };
  }
  return { status: response.status, json };
}

export function expectStatus(answer: HttpAnswer, statuses: readonly number[], what: string): Record<string, unknown> {
  if (!statuses.includes(answer.status)) throw new Error(`${what}: HTTP ${answer.status} ${JSON.stringify(answer.json).slice(0, 400)}`);
  return answer.json;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns a value, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | null>, timeoutMs = setupWaitMs): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(pollIntervalMs);
  }
}

/** The key file among `<prefix>(.<16 hex>)?.json` whose public key field matches the running app. */
function keyFromFiles(folders: readonly string[], prefix: string, publicKeyField: string, publicKey: string): string {
  const pattern = new RegExp(`^${prefix}(\\.[0-9a-f]{16})?\\.json$`);
  for (const folder of folders) {
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder).filter((n) => pattern.test(n))) {
      const file = JSON.parse(readFileSync(join(folder, name), 'utf8')) as Record<string, unknown> & { staff: { key: string } };
      if (file[publicKeyField] === publicKey) return file.staff.key;
    }
  }
  throw new Error(`no ${prefix}*.json in ${folders.join(' or ')} belongs to the running app (public key ${publicKey.slice(0, 16)}...)`);
}

/** Connects to the system the stack's env file describes (`npm start` appended the apps' URLs). */
export async function connectSystem(root: string, stackDir: string): Promise<SystemAccess> {
  const env = parseEnvFile(readFileSync(join(stackDir, 'env'), 'utf8'));
  const need = (key: string): string => {
    const value = env[key];
    if (!value) throw new Error(`${key} is missing from ${join(stackDir, 'env')}: is the system running (npm start)?`);
    return value;
  };
  const centralBankUrl = need('CENTRAL_BANK_URL');
  const folders = [stackDir, join(root, '.stack')];
  const info = expectStatus(await http('GET', `${centralBankUrl}/v1/central-bank`), [200], 'central bank info');
  const centralBankKey = keyFromFiles(folders, 'central-bank-api-keys', 'centralBankPublicKey', String(info.publicKey));
  const banks: BankAccess[] = [];
  for (const [operatorId, urlKey, dbKey] of [
    ['bank-a', 'BANK_A_URL', 'DATABASE_URL_BANK_A'],
    ['bank-b', 'BANK_B_URL', 'DATABASE_URL_BANK_B'],
  ] as const) {
    const url = need(urlKey);
    const operator = expectStatus(await http('GET', `${url}/v1/operator`), [200], `${operatorId} operator key`);
    banks.push({ operatorId, url, staffKey: keyFromFiles(folders, `${operatorId}-api-keys`, 'operatorPublicKey', String(operator.publicKey)), db: new Pool({ connectionString: need(dbKey), max: 4 }) });
  }
  const centralDb = new Pool({ connectionString: need('DATABASE_URL_CENTRAL_BANK'), max: 4 });
  return {
    stackDir,
    centralBankUrl,
    centralBankKey,
    banks,
    centralDb,
    kafkaBrokers: need('KAFKA_BROKERS'),
    ...(env.KAFKA_SASL_USERNAME && env.KAFKA_SASL_PASSWORD
      ? { kafkaSasl: { mechanism: 'scram-sha-512' as const, username: env.KAFKA_SASL_USERNAME, password: env.KAFKA_SASL_PASSWORD } }
      : {}),
    async close() {
      await Promise.all([centralDb.end(), ...banks.map((bank) => bank.db.end())]);
    },
  };
}

/** Registers each bank as an operator (if it is not) with the key it made at first start. */
export async function ensureOperators(system: SystemAccess): Promise<void> {
  for (const bank of system.banks) {
    const known = await http('GET', `${system.centralBankUrl}/v1/operators/${bank.operatorId}`, undefined, system.centralBankKey);
    if (known.status === 200) continue;
    const operator = expectStatus(await http('GET', `${bank.url}/v1/operator`), [200], 'operator key');
    const created = await http(
      'POST',
      `${system.centralBankUrl}/v1/operators`,
      { operatorId: bank.operatorId, name: bank.operatorId, kind: 'bank', publicKey: operator.publicKey, issueQuotaAuto: issueQuotaAutoFen.toString() },
      system.centralBankKey,
    );
    if (created.status !== 201 && created.json.code !== 'OPERATOR_EXISTS') throw new Error(`registering ${bank.operatorId}: HTTP ${created.status} ${JSON.stringify(created.json)}`);
  }
}

async function operatorView(system: SystemAccess, operatorId: string): Promise<{ vault: bigint; reserve: bigint; issueQuotaAuto: bigint }> {
  const view = expectStatus(await http('GET', `${system.centralBankUrl}/v1/operators/${operatorId}`, undefined, system.centralBankKey), [200], 'operator');
  return { vault: BigInt(String(view.vault)), reserve: BigInt(String(view.reserve)), issueQuotaAuto: BigInt(String(view.issueQuotaAuto)) };
}

/**
 * Makes sure the bank's vault holds at least `vaultFen`: credits its reserve account and has the
 * central bank issue the difference, in requests within the automatic quota. Issue goes through
 * the bank's treasury API (POST /v1/treasury/issue) when the bank has one, else the bank's own
 * signed request on the control topic (what the treasury does), signed with its operator key.
 */
export async function ensureVault(system: SystemAccess, bank: BankAccess, vaultFen: bigint, runId: string): Promise<void> {
  const before = await operatorView(system, bank.operatorId);
  if (before.vault >= vaultFen) return;
  const missing = vaultFen - before.vault;
  const quota = before.issueQuotaAuto > 0n ? before.issueQuotaAuto : issueQuotaAutoFen;
  await creditReserve(system, bank, missing, `lt-${runId}-${bank.operatorId}`);
  let part = 0;
  for (let left = missing; left > 0n; part++) {
    const amount = left < quota ? left : quota;
    await issue(system, bank, amount, `lt-${runId}-issue-${part}`);
    left -= amount;
  }
  await waitFor(`${bank.operatorId}'s vault to reach ${vaultFen} fen`, async () => ((await operatorView(system, bank.operatorId)).vault >= vaultFen ? true : null));
}

/** Credits the bank's reserve account at the central bank (RTGS), idempotent on `creditId`. */
export async function creditReserve(system: SystemAccess, bank: BankAccess, amount: bigint, creditId: string): Promise<void> {
  const credit = await http(
    'POST',
    `${system.centralBankUrl}/v1/operators/${bank.operatorId}/reserve-credits`,
    { creditId, amount: amount.toString(), reference: 'load test reserves' },
    system.centralBankKey,
  );
  expectStatus(credit, [201], `${bank.operatorId} reserve credit`);
}

/** One issue (or recall) of `amount` fen into (out of) the bank's vault; returns once the bank sent it. */
export async function issue(system: SystemAccess, bank: BankAccess, amount: bigint, requestId: string, direction: 'issue' | 'recall' = 'issue'): Promise<void> {
  for (;;) {
    const ordered = await http('POST', `${bank.url}/v1/treasury/${direction}`, { requestId, amount: amount.toString() }, bank.staffKey);
    if (ordered.status === 202 || ordered.status === 200) {
      await waitFor(`treasury ${direction} ${requestId}`, async () => {
        const view = await http('GET', `${bank.url}/v1/treasury/requests/${requestId}`, undefined, bank.staffKey);
        if (view.json.status === 'rejected') throw new Error(`treasury ${direction} ${requestId} rejected: ${JSON.stringify(view.json)}`);
        return view.json.status === 'settled' ? true : null;
      });
      return;
    }
    if (ordered.status === 409 && ordered.json.code === 'TREASURY_REQUEST_IN_FLIGHT') {
      await sleep(pollIntervalMs);
      continue;
    }
    if (ordered.status !== 404) throw new Error(`treasury ${direction}: HTTP ${ordered.status} ${JSON.stringify(ordered.json)}`);
    await issueOverKafka(system, bank, amount, requestId, direction);
    return;
  }
}

/** The bank's signed request on the control topic, for a bank without a treasury API. */
async function issueOverKafka(system: SystemAccess, bank: BankAccess, amount: bigint, requestId: string, direction: 'issue' | 'recall'): Promise<void> {
  const key = await bank.db.query<{ private_key: Buffer }>('select private_key from operator_keys where id = 1');
  if (!key.rows[0]) throw new Error(`${bank.operatorId} has no operator key`);
  const message = issueRecallRequestMessage({ requestId, operatorId: bank.operatorId, direction, amount }, new Uint8Array(key.rows[0].private_key));
  const kafka = new Kafka({ clientId: 'loadtest', brokers: system.kafkaBrokers.split(','), logLevel: logLevel.NOTHING, ...(system.kafkaSasl ? { sasl: system.kafkaSasl } : {}) });
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic: centralBankControlTopic, messages: [{ key: message.key, value: message.value }] });
  } finally {
    await producer.disconnect();
  }
}

export interface ClassLimitsFenView {
  readonly balanceCap: bigint;
  readonly singlePayment: bigint;
  readonly daily: bigint;
}

export async function classLimits(system: SystemAccess, walletClass: number): Promise<ClassLimitsFenView> {
  const policy = expectStatus(await http('GET', `${system.centralBankUrl}/v1/policy`, undefined, system.centralBankKey), [200], 'policy');
  const limits = (policy.classLimits as Record<string, Record<string, string>>)[String(walletClass)]!;
  return { balanceCap: BigInt(limits.balanceCap!), singlePayment: BigInt(limits.singlePayment!), daily: BigInt(limits.daily!) };
}

/** GET /v1/supply: the report answered ok and no invariant failed. */
export async function invariantsHold(system: SystemAccess): Promise<{ ok: boolean; detail: string }> {
  const supply = await http('GET', `${system.centralBankUrl}/v1/supply`, undefined, system.centralBankKey);
  const invariants = (supply.json.invariants ?? []) as { invariant: string; status: string }[];
  const failed = invariants.filter((i) => i.status === 'failed');
  return {
    ok: supply.status === 200 && supply.json.ok === true && failed.length === 0,
    detail: `HTTP ${supply.status}; ${invariants.map((i) => `${i.invariant}: ${i.status}`).join(', ')}`,
  };
}

/** How often the block lag's wait looks for the run's last blocks to become final. */
const blockLagPollMs = 250;

/**
 * The block lag of these payments (command ids), from the central bank's own records: its batch's
 * commit time to its block's finality. Waits up to `waitMs` for the blocks of the run's last
 * payments to be sealed and endorsed, then measures whatever is final.
 */
export async function blockLag(system: SystemAccess, commandIds: readonly string[], waitMs: number): Promise<BlockLagView> {
  const ids = [...commandIds];
  const finalCount = async (): Promise<number> => {
    const result = await system.centralDb.query<{ n: number }>(
      `select count(*)::int as n from ledger_commands c join anchor_blocks b on c.sequence between b.first_sequence and b.last_sequence
       where c.command_id = any($1::text[]) and b.final_at is not null`,
      [ids],
    );
    return result.rows[0]!.n;
  };
  const deadline = Date.now() + waitMs;
  let final = await finalCount();
  while (final < ids.length && Date.now() < deadline) {
    await sleep(blockLagPollMs);
    final = await finalCount();
  }
  const lag = await system.centralDb.query<{ p50: number | null; p99: number | null; max: number | null }>(
    `select percentile_disc(0.5) within group (order by lag) as p50, percentile_disc(0.99) within group (order by lag) as p99, max(lag) as max
     from (select extract(epoch from (b.final_at - lb.committed_at)) * 1000 as lag
           from ledger_commands c join ledger_batches lb on lb.id = c.batch_id
           join anchor_blocks b on c.sequence between b.first_sequence and b.last_sequence
           where c.command_id = any($1::text[]) and b.final_at is not null) lags`,
    [ids],
  );
  const row = lag.rows[0]!;
  const ms = (value: number | null): number => (value === null ? 0 : Math.round(Number(value)));
  return { payments: ids.length, final, p50Ms: ms(row.p50), p99Ms: ms(row.p99), maxMs: ms(row.max) };
}

/** True when the central bank's database commits durably (synchronous_commit on). */
export async function durableCommits(system: SystemAccess): Promise<boolean> {
  const result = await system.centralDb.query<{ synchronous_commit: string; fsync: string }>('select current_setting($1) as synchronous_commit, current_setting($2) as fsync', [
    'synchronous_commit',
    'fsync',
  ]);
  return result.rows[0]!.synchronous_commit === 'on' && result.rows[0]!.fsync === 'on';
}

/** Statements kept in the report: the most expensive by total time. */
export const statementsReportedMax = 8;

/**
 * Clears PostgreSQL's statement statistics before a run. False when the module is not loaded
 * (a stack made before deploy/postgres/postgresql.conf preloaded it): the report then says so.
 */
export async function resetStatementTimes(system: SystemAccess): Promise<boolean> {
  try {
    await system.centralDb.query('select pg_stat_statements_reset()');
    return true;
  } catch {
    return false;
  }
}

/** The statements of every database that took the most time since the reset. */
export async function topStatementTimes(system: SystemAccess): Promise<StatementTimeView[]> {
  const result = await system.centralDb.query<{ database: string; calls: string; total_ms: number; mean_ms: number; query: string }>(
    `select d.datname as database, s.calls::text, s.total_exec_time as total_ms, s.mean_exec_time as mean_ms, left(regexp_replace(s.query, '\\s+', ' ', 'g'), 140) as query
     from pg_stat_statements s join pg_database d on d.oid = s.dbid
     order by s.total_exec_time desc limit $1`,
    [statementsReportedMax],
  );
  return result.rows.map((row) => ({
    database: row.database,
    calls: Number(row.calls),
    totalMs: Math.round(row.total_ms),
    meanMs: Math.round(row.mean_ms * 1000) / 1000,
    query: row.query,
  }));
}
