/**
 * `npm run bench:ledger`: the ledger engine's durable throughput, through the real Kafka topic and
 * the real PostgreSQL, against a naive one-transaction-per-payment baseline on the same data.
 *
 * Setup (not timed): a fresh database with the central bank's migrations, 100,000 wallets at two
 * operators, and every payment signed by its payer wallet's key and produced to a fresh topic.
 * Timed: from the engine's first batch to the commit of the last payment. The engine verifies every
 * signature (worker pool on OpenSSL), decides each batch in memory and commits it in one
 * transaction; `synchronous_commit` is read from the server and reported.
 *
 * Flags: --payments N (per scenario, default 200000) --wallets N (100000) --partitions P (1)
 *        --batch-size N (2000) --naive-payments N (20000) --naive-concurrency N (32)
 *        --verify-pool N (worker threads verifying signatures; default cores - 1)
 *
 * Each scenario runs twice: once end to end, and once with the signatures verified BEFORE the
 * clock by the same verification pool (the engine then gets those verdicts instead of waiting for
 * the pool). The second figure is the ceiling of the single writer alone: the part of the engine
 * that cannot be scaled out by adding verification workers or machines. Both are reported, named.
 */
import { createHash, createPrivateKey, createPublicKey, randomBytes, sign as cryptoSign } from 'node:crypto';
import { writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Pool } from 'pg';
import { KeyedMessage, operatorEventsTopic, paymentMessage } from '@cbdc/contracts';
import { createVerifyPool, encodePaymentForSigning, fromHex, generateKeyPairFast, verifyFast, walletIdFromPublicKey, type Ed25519KeyPair, type VerifyItem } from '@cbdc/crypto';
import { createPolicy } from '@cbdc/ledger';
import { createKafka, createLogger, createPool, createProducer, ensureTopics, runMigrations } from '@cbdc/platform';
import { startLedgerEngine, type LedgerEngineRuntime } from '../apps/central-bank/src/ledger-engine/ledger-engine.runtime';
import type { BatchStats } from '../apps/central-bank/src/ledger-engine/ledger-engine';
import { positiveIntFlag as flag } from './bench-args';
import { upsertBenchmarkSection } from './benchmarks-md';
import { parseEnvFile } from './system-processes';

const root = resolve(__dirname, '..', '..');

const paymentsPerScenario = flag('payments', 200_000);
const walletCount = flag('wallets', 100_000);
const partitions = flag('partitions', 1);
const batchSizeMax = flag('batch-size', 2_000);
const naivePayments = flag('naive-payments', 20_000);
const naiveConcurrency = flag('naive-concurrency', 32);
const verifyPoolSize = process.argv.includes('--verify-pool') ? flag('verify-pool', 1) : undefined;
const zipfExponent = 1.1;
/** Each wallet starts with 10,000 yuan; payments are 0.01..10 yuan, so no limit or cap is hit. */
const walletStartFen = 1_000_000n;
const amountFenMax = 1_000;
const produceChunkMessages = 2_000;
const drainTimeoutMs = 600_000;

/** A small deterministic generator (xorshift32), so two runs draw the same payments. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

/** Draws ranks 0..n-1 with probability proportional to 1/(rank+1)^s. */
function zipfSampler(n: number, s: number, next: () => number): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let rank = 0; rank < n; rank++) cdf[rank] = total += 1 / Math.pow(rank + 1, s);
  return () => {
    const target = next() * total;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (cdf[mid]! < target) low = mid + 1;
      else high = mid;
    }
    return low;
  };
}

interface Wallet {
  readonly id: string;
  readonly operatorId: string;
  readonly keys: Ed25519KeyPair;
  /** Signs with the OpenSSL key object kept from generation (parsing a key per message is slow). */
  readonly sign: (message: Uint8Array) => Uint8Array;
  counter: bigint;
}

/** PKCS#8 header of a raw Ed25519 seed, so OpenSSL can take the seed as a key. */
const pkcs8Ed25519Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * A wallet key made from a random seed. (On this machine a long loop of `generateKeyPairSync`
 * stalls now and then; importing a random seed does not, and is as random.)
 */
function newWallet(operatorId: string): Wallet {
  const seed = randomBytes(32);
  const privateKey = createPrivateKey({ key: Buffer.concat([pkcs8Ed25519Prefix, seed]), format: 'der', type: 'pkcs8' });
  const publicKey = new Uint8Array(Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x!, 'base64url'));
  const keys = { publicKey, privateKey: new Uint8Array(seed) };
  return { id: walletIdFromPublicKey(publicKey), operatorId, keys, sign: (message) => cryptoSign(null, message, privateKey), counter: 0n };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

async function seed(pool: Pool, wallets: readonly Wallet[], operatorIds: readonly string[], operatorKeys: readonly Ed25519KeyPair[]): Promise<void> {
  const reserveCreditedFen = 10n ** 15n;
  for (const [index, operatorId] of operatorIds.entries()) {
    const mine = wallets.filter((w) => w.operatorId === operatorId);
    const issued = walletStartFen * BigInt(mine.length) + 10n ** 12n;
    await pool.query(
      `insert into operators (id, name, kind, public_key, reserve_ratio_bps, issue_quota_auto, reserve_credited, issued)
       values ($1, $2, 'bank', $3, 10000, 0, $4, $5)`,
      [operatorId, operatorId, Buffer.from(operatorKeys[index]!.publicKey), reserveCreditedFen.toString(), issued.toString()],
    );
    await pool.query(`insert into accounts (id, kind, operator_id, balance) values ($1, 'reserve', $2, $3), ($4, 'vault', $2, $5)`, [
      `reserve:${operatorId}`,
      operatorId,
      (reserveCreditedFen - issued).toString(),
      `vault:${operatorId}`,
      (10n ** 12n).toString(),
    ]);
  }
  await pool.query(`update accounts set balance = $1 where id = 'rtgs'`, [(-reserveCreditedFen * BigInt(operatorIds.length)).toString()]);
  for (let start = 0; start < wallets.length; start += 10_000) {
    if (process.env.BENCH_TRACE) console.log(`seeding wallets from ${start}`);
    const page = wallets.slice(start, start + 10_000);
    await pool.query(
      `insert into wallets (id, operator_id, wallet_class, public_key) select * from unnest($1::text[], $2::text[], $3::smallint[], $4::bytea[])`,
      [page.map((w) => w.id), page.map((w) => w.operatorId), page.map(() => 1), page.map((w) => Buffer.from(w.keys.publicKey))],
    );
    await pool.query(
      `insert into accounts (id, kind, balance, last_counter, day_key, day_total, year_key, year_total)
       select id, 'wallet', $2, 0, 0, 0, 0, 0 from unnest($1::text[]) as id`,
      [page.map((w) => `wallet:${w.id}`), walletStartFen.toString()],
    );
  }
  await pool.query('analyze');
}

interface Prepared {
  readonly messages: KeyedMessage[];
  readonly ids: string[];
}

function preparePayments(label: string, count: number, wallets: Wallet[], payeeOf: () => number, next: () => number): Prepared {
  const messages: KeyedMessage[] = [];
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    const payer = wallets[Math.floor(next() * wallets.length)]!;
    let payee = wallets[payeeOf()]!;
    if (payee === payer) payee = wallets[(wallets.indexOf(payer) + 1) % wallets.length]!;
    payer.counter += 1n;
    const commandId = `${label}-${index}`;
    ids.push(commandId);
    messages.push(
      paymentMessage(
        {
          commandId,
          operatorId: payer.operatorId,
          payerWalletId: payer.id,
          payeeWalletId: payee.id,
          amount: BigInt(1 + Math.floor(next() * amountFenMax)),
          counter: payer.counter,
        },
        payer.sign,
      ),
    );
  }
  return { messages, ids };
}

function verdictKey(item: VerifyItem): string {
  return createHash('sha1').update(item.signature).update(item.message).update(item.publicKey).digest('base64');
}

/** Verifies every prepared payment with the real pool, before the clock; returns the verdicts. */
async function verifyAhead(prepared: Prepared, wallets: Map<string, Wallet>): Promise<Map<string, boolean>> {
  const items: VerifyItem[] = prepared.messages.map((m) => {
    const body = JSON.parse(m.value) as { commandId: string; payerWalletId: string; payeeWalletId: string; amount: string; counter: string; signature: string };
    return {
      signature: fromHex(body.signature),
      message: encodePaymentForSigning({
        paymentId: body.commandId,
        payerWalletId: body.payerWalletId,
        payeeWalletId: body.payeeWalletId,
        amount: BigInt(body.amount),
        counter: BigInt(body.counter),
      }),
      publicKey: wallets.get(body.payerWalletId)!.keys.publicKey,
    };
  });
  const pool = createVerifyPool(verifyPoolSize === undefined ? {} : { size: verifyPoolSize });
  try {
    const verdicts = await pool.verifyBatch(items);
    return new Map(items.map((item, index) => [verdictKey(item), verdicts[index]!]));
  } finally {
    await pool.close();
  }
}

interface ScenarioResult {
  transfersPerSecond: number;
  accepted: number;
  rejected: number;
  batches: number;
  batchSizeMean: number;
  batchCommitMsP50: number;
  batchCommitMsP99: number;
  elapsedSeconds: number;
}

async function runScenario(
  name: string,
  prepared: Prepared,
  start: (onBatch: (stats: BatchStats) => void, verdicts: Map<string, boolean> | null) => Promise<LedgerEngineRuntime>,
  verdicts: Map<string, boolean> | null,
  produce: (messages: readonly KeyedMessage[]) => Promise<void>,
  pool: Pool,
): Promise<ScenarioResult> {
  console.log(`[${name}] producing ${prepared.messages.length} signed payments to the topic (not timed)`);
  await produce(prepared.messages);
  const stats: BatchStats[] = [];
  let seen = 0;
  let firstBatchAt = 0;
  let lastCommitAt = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolveDone) => (done = resolveDone));
  const runtime = await start((batch) => {
    const now = performance.now();
    if (stats.length === 0) firstBatchAt = now - batch.totalMs;
    stats.push(batch);
    seen += batch.commands;
    lastCommitAt = now;
    if (seen >= prepared.messages.length) done();
  }, verdicts);
  const timer = setTimeout(() => done(), drainTimeoutMs);
  await finished;
  clearTimeout(timer);
  await runtime.close();
  if (seen < prepared.messages.length) throw new Error(`[${name}] only ${seen} of ${prepared.messages.length} commands were committed in time`);
  const result = await pool.query<{ status: string; n: string }>(
    'select status, count(*) as n from ledger_commands where command_id = any($1) group by status',
    [prepared.ids],
  );
  const counts = Object.fromEntries(result.rows.map((r) => [r.status, Number(r.n)]));
  const elapsedSeconds = (lastCommitAt - firstBatchAt) / 1000;
  const commitMs = stats.map((s) => s.commitMs).sort((a, b) => a - b);
  const mean = (pick: (s: BatchStats) => number) => round(stats.reduce((sum, s) => sum + pick(s), 0) / stats.length);
  console.log(
    `[${name}] per batch, mean ms: parse ${mean((s) => s.parseMs)}, authenticate ${mean((s) => s.authenticateMs)}, decide ${mean((s) => s.decideMs)}, commit ${mean((s) => s.commitMs)}, total ${mean((s) => s.totalMs)}`,
  );
  const out: ScenarioResult = {
    transfersPerSecond: Math.round((counts.accepted ?? 0) / elapsedSeconds),
    accepted: counts.accepted ?? 0,
    rejected: counts.rejected ?? 0,
    batches: stats.length,
    batchSizeMean: Math.round(seen / stats.length),
    batchCommitMsP50: round(percentile(commitMs, 50)),
    batchCommitMsP99: round(percentile(commitMs, 99)),
    elapsedSeconds: round(elapsedSeconds, 2),
  };
  console.log(`[${name}] ${JSON.stringify(out)}`);
  return out;
}

/** The baseline: one transaction per payment, rows locked, signature verified inline. */
async function runNaive(pool: Pool, prepared: Prepared, wallets: Map<string, Wallet>): Promise<number> {
  let nextIndex = 0;
  const began = performance.now();
  const worker = async () => {
    const client = await pool.connect();
    try {
      for (;;) {
        const index = nextIndex++;
        if (index >= prepared.messages.length) return;
        const body = JSON.parse(prepared.messages[index]!.value) as {
          commandId: string;
          payerWalletId: string;
          payeeWalletId: string;
          amount: string;
          counter: string;
          signature: string;
        };
        const payer = wallets.get(body.payerWalletId)!;
        const message = encodePaymentForSigning({
          paymentId: body.commandId,
          payerWalletId: body.payerWalletId,
          payeeWalletId: body.payeeWalletId,
          amount: BigInt(body.amount),
          counter: BigInt(body.counter),
        });
        if (!verifyFast(Buffer.from(body.signature, 'hex'), message, payer.keys.publicKey)) throw new Error('naive: bad signature');
        await client.query('begin');
        const locked = await client.query<{ id: string; balance: string }>(
          'select id, balance from accounts where id = any($1) order by id for update',
          [[`wallet:${body.payerWalletId}`, `wallet:${body.payeeWalletId}`]],
        );
        const payerBalance = BigInt(locked.rows.find((r) => r.id === `wallet:${body.payerWalletId}`)!.balance);
        const counter = await client.query<{ last_counter: string }>('select last_counter from accounts where id = $1', [`wallet:${body.payerWalletId}`]);
        if (payerBalance < BigInt(body.amount) || BigInt(counter.rows[0]!.last_counter) >= BigInt(body.counter)) {
          await client.query('rollback');
          continue;
        }
        await client.query('update accounts set balance = balance - $2, last_counter = $3 where id = $1', [`wallet:${body.payerWalletId}`, body.amount, body.counter]);
        await client.query('update accounts set balance = balance + $2 where id = $1', [`wallet:${body.payeeWalletId}`, body.amount]);
        await client.query(
          `insert into ledger_commands (command_id, batch_id, command_type, operator_id, status, sequence, debit_account, credit_account, amount)
           values ($1, 0, 'ledger.payment', $2, 'accepted', nextval('ledger_entry_sequence'), $3, $4, $5)`,
          [body.commandId, payer.operatorId, `wallet:${body.payerWalletId}`, `wallet:${body.payeeWalletId}`, body.amount],
        );
        await client.query('commit');
      }
    } finally {
      client.release();
    }
  };
  await Promise.all(Array.from({ length: naiveConcurrency }, worker));
  const seconds = (performance.now() - began) / 1000;
  const accepted = await pool.query<{ n: string }>(`select count(*) as n from ledger_commands where command_id = any($1) and status = 'accepted'`, [prepared.ids]);
  const tps = Math.round(Number(accepted.rows[0]!.n) / seconds);
  console.log(`[naive] ${accepted.rows[0]!.n} payments in ${round(seconds, 2)} s at concurrency ${naiveConcurrency}: ${tps}/s`);
  return tps;
}

async function main(): Promise<void> {
  const stackDir = process.env.STACK_DIR ?? join(root, '.stack');
  const env = parseEnvFile(readFileSync(join(stackDir, 'env'), 'utf8'));
  const logger = createLogger({ app: 'bench-ledger', level: 'warn' });
  const suffix = Date.now().toString(36);
  const databaseName = `cbdc_bench_${suffix}`;
  const adminDb = new Pool({ connectionString: env.DATABASE_ADMIN_URL, max: 1 });
  await adminDb.query(`create database ${databaseName}`);
  const url = new URL(env.DATABASE_ADMIN_URL!);
  url.pathname = `/${databaseName}`;
  const pool = createPool({ url: url.toString(), applicationName: 'bench-ledger', poolSizeMax: naiveConcurrency + 4, statementTimeoutMs: 600_000 });
  const brokers = env.KAFKA_BROKERS!.split(',');
  const kafka = createKafka({ brokers, clientId: 'bench-ledger', logger });
  const topic = `bench.ledger-commands.${suffix}`;
  try {
    await runMigrations(pool, join(root, 'apps', 'central-bank', 'migrations'));
    const synchronousCommit = (await pool.query<{ synchronous_commit: string }>('show synchronous_commit')).rows[0]!.synchronous_commit;
    const fsync = (await pool.query<{ fsync: string }>('show fsync')).rows[0]!.fsync;
    await ensureTopics(kafka, [{ name: topic, partitions }]);

    console.log(`generating ${walletCount} wallet keys and seeding the ledger (not timed)`);
    const centralBank = generateKeyPairFast();
    // Operators of their own: results and credits go to `operator.<id>.events.v1`, and the running
    // system's banks must never receive the benchmark's traffic.
    const operatorIds = [`bench-a-${suffix}`, `bench-b-${suffix}`];
    const operatorKeys = operatorIds.map(() => generateKeyPairFast());
    const wallets: Wallet[] = [];
    for (let index = 0; index < walletCount; index++) wallets.push(newWallet(operatorIds[index % operatorIds.length]!));
    console.log(`${wallets.length} wallet keys made; seeding`);
    await seed(pool, wallets, operatorIds, operatorKeys);
    console.log('seeded');

    const next = random(20261129);
    console.log(`signing ${paymentsPerScenario} uniform and ${paymentsPerScenario} skewed payments (not timed)`);
    const uniform = preparePayments('uniform', paymentsPerScenario, wallets, () => Math.floor(next() * wallets.length), next);
    const zipf = zipfSampler(wallets.length, zipfExponent, next);
    const skewed = preparePayments('skewed', paymentsPerScenario, wallets, zipf, next);

    const producer = await createProducer(kafka);
    const produce = async (messages: readonly KeyedMessage[]) => {
      for (let start = 0; start < messages.length; start += produceChunkMessages) {
        await producer.send({ topic, acks: -1, messages: messages.slice(start, start + produceChunkMessages).map((m) => ({ key: m.key, value: m.value })) });
      }
    };
    const policy = createPolicy();
    const start = (onBatch: (stats: BatchStats) => void, verdicts: Map<string, boolean> | null) =>
      startLedgerEngine({
        ...(verifyPoolSize === undefined ? {} : { verifyPoolSize }),
        ...(verdicts ? { verifyOverride: async (items: readonly VerifyItem[]) => items.map((item) => verdicts.get(verdictKey(item)) === true) } : {}),
        databaseUrl: url.toString(),
        kafkaBrokers: brokers,
        topic,
        partitions,
        consumerGroup: `bench-ledger-${suffix}`,
        centralBankPublicKey: centralBank.publicKey,
        policy: () => policy,
        logger,
        batchSizeMax,
        onBatch,
      });

    const walletById = new Map(wallets.map((w) => [w.id, w]));
    const uniformResult = await runScenario('uniform', uniform, start, null, produce, pool);
    const skewedResult = await runScenario('skewed', skewed, start, null, produce, pool);
    console.log('verifying the writer-only sets ahead of the clock');
    const uniformWriter = preparePayments('uniform-writer', paymentsPerScenario, wallets, () => Math.floor(next() * wallets.length), next);
    const skewedWriter = preparePayments('skewed-writer', paymentsPerScenario, wallets, zipf, next);
    const uniformWriterResult = await runScenario('uniform, writer only', uniformWriter, start, await verifyAhead(uniformWriter, walletById), produce, pool);
    const skewedWriterResult = await runScenario('skewed, writer only', skewedWriter, start, await verifyAhead(skewedWriter, walletById), produce, pool);
    await producer.disconnect();
    const naive = preparePayments('naive', naivePayments, wallets, () => Math.floor(next() * wallets.length), next);
    const naiveTransfersPerSecond = await runNaive(pool, naive, walletById);

    const invariants = await pool.query<{ held: string; issued: string; negatives: string; total: string }>(`
      select (select sum(balance) from accounts where kind in ('vault', 'wallet')) as held,
             (select sum(issued) - sum(recalled) from operators) as issued,
             (select count(*) from accounts where kind <> 'rtgs' and balance < 0) as negatives,
             (select sum(balance) from accounts) as total`);
    const inv = invariants.rows[0]!;
    const invariantsOk = inv.held === inv.issued && inv.negatives === '0' && inv.total === '0';
    if (!invariantsOk) throw new Error(`ledger invariants failed after the benchmark: ${JSON.stringify(inv)}`);

    const figures = {
      transfersPerSecondUniform: uniformResult.transfersPerSecond,
      transfersPerSecondSkewed: skewedResult.transfersPerSecond,
      batchCommitMsP50: uniformResult.batchCommitMsP50,
      batchCommitMsP99: uniformResult.batchCommitMsP99,
      synchronousCommit,
      fsync,
      partitions,
      naiveTransfersPerSecond,
      naiveConcurrency,
      writerOnlyTransfersPerSecondUniform: uniformWriterResult.transfersPerSecond,
      writerOnlyTransfersPerSecondSkewed: skewedWriterResult.transfersPerSecond,
      verifyPoolSize: verifyPoolSize ?? 'cores - 1',
      wallets: walletCount,
      paymentsPerScenario,
      batchSizeMax,
      uniform: uniformResult,
      skewed: skewedResult,
      uniformWriterOnly: uniformWriterResult,
      skewedWriterOnly: skewedWriterResult,
      invariantsOk,
      measuredAt: new Date().toISOString(),
    };
    mkdirSync(join(root, 'bench-results'), { recursive: true });
    writeFileSync(join(root, 'bench-results', 'ledger.json'), `${JSON.stringify(figures, null, 2)}\n`);
    console.log(JSON.stringify(figures, null, 2));
    const durable = synchronousCommit === 'on' && fsync === 'on' ? 'durable (synchronous_commit = on, fsync = on)' : 'NOT DURABLE';
    upsertBenchmarkSection(
      root,
      'ledger',
      `## Ledger engine throughput (\`npm run bench:ledger\`)

Command: \`npm run bench:ledger -- --payments ${paymentsPerScenario} --partitions ${partitions} --batch-size ${batchSizeMax}\`
(${new Date().toISOString().slice(0, 10)}; ${walletCount.toLocaleString('en')} wallets, ${paymentsPerScenario.toLocaleString('en')} signed payments per scenario,
pre-produced to Kafka, then drained by the engine; ${durable}; ${partitions} partition(s)).

| figure | value |
|---|---|
| transfersPerSecondUniform | ${uniformResult.transfersPerSecond.toLocaleString('en')} |
| transfersPerSecondSkewed (payees Zipf s=${zipfExponent}) | ${skewedResult.transfersPerSecond.toLocaleString('en')} |
| batchCommitMsP50 / P99 (uniform) | ${uniformResult.batchCommitMsP50} / ${uniformResult.batchCommitMsP99} ms |
| batch size, mean (uniform / skewed) | ${uniformResult.batchSizeMean} / ${skewedResult.batchSizeMean} |
| naiveTransfersPerSecond (1 tx per payment, row locks, ${naiveConcurrency} connections) | ${naiveTransfersPerSecond.toLocaleString('en')} |
| writer only, uniform / skewed (signatures verified before the clock) | ${uniformWriterResult.transfersPerSecond.toLocaleString('en')} / ${skewedWriterResult.transfersPerSecond.toLocaleString('en')} |
| writer only, batch commit ms P50 / P99 (uniform) | ${uniformWriterResult.batchCommitMsP50} / ${uniformWriterResult.batchCommitMsP99} |
| rejected payments | ${uniformResult.rejected + skewedResult.rejected} |
| invariants after the run | ${invariantsOk ? 'hold' : 'FAILED'} |

Raw figures: \`bench-results/ledger.json\`.`,
    );
  } finally {
    // The benchmark's topics go with its database.
    const admin = kafka.admin();
    await admin.connect().catch(() => undefined);
    await admin
      .deleteTopics({ topics: [topic, ...['a', 'b'].map((letter) => operatorEventsTopic(`bench-${letter}-${suffix}`))] })
      .catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await pool.end();
    await adminDb.query(`drop database if exists ${databaseName} with (force)`).catch(() => undefined);
    await adminDb.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
