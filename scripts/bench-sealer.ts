/**
 * `npm run bench:sealer`: what sealing and endorsing cost per ledger entry, in CPU microseconds,
 * measured on the real code without the ledger engine (docs/decisions/0016-cheaper-sealing.md).
 *
 * Seeds a fresh database of the stack it is given with N committed payments (written straight
 * into `ledger_batches` / `ledger_commands` as the engine leaves them, not timed), then:
 *   - seal: the real AnchorSealer (apps/central-bank/src/anchor) seals everything, tick after tick,
 *     reading the entries, hashing them, building Merkle roots, signing, writing blocks and
 *     proposing them to each operator over Kafka. Measured: this process's CPU, the sealer's
 *     PostgreSQL backend's CPU and the Kafka broker's CPU (less its idle rate), per entry;
 *   - endorse: each operator's pure check of every proposal it received, as a bank runs it
 *     (decode the message, decideEndorsement against books that agree, sign, encode the answer),
 *     per sealed entry, summed over the operators;
 *   - idle: the sealer's loop with nothing to seal, CPU per second (node + its PostgreSQL backend).
 * Each figure is the median of --repeat runs, each on a fresh database.
 *
 * Flags: --entries N (default 20000) --wallets N (2000) --operators N (2) --block-entries N
 *        (the sealer's default block size) --repeat N (3) --idle-ms N (2000)
 *        --rewrite (measure nothing: write BENCHMARKS.md's section again from bench-results/sealer.json,
 *        after a change of the section's text)
 *        --dry-run (print only; otherwise BENCHMARKS.md's "sealer" section and
 *        bench-results/sealer.json are written)
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Pool, type PoolClient } from 'pg';
import type { Kafka } from 'kafkajs';
import {
  anchorBlockProposalV2,
  anchorEndorsementV1,
  BinaryMessageRegistry,
  encodeMessage,
  operatorAnchorTopic,
  type AnchorBlockProposalV2,
  type BinaryMessageDefinition,
} from '@cbdc/contracts';
import { endorseBlockHeader } from '@cbdc/anchor';
import { generateKeyPairFast, toHex, walletIdFromPublicKey, type Ed25519KeyPair } from '@cbdc/crypto';
import { createKafka, createLogger, createPool, createProducer, ensureTopics, runMigrations, type Logger } from '@cbdc/platform';
import { AnchorSealer, anchorSealerLockKey, type AnchorSealerSettings } from '../apps/central-bank/src/anchor/anchor-sealer.service';
import { anchorBlockEntriesDefault } from '../apps/central-bank/src/anchor/anchor-store';
import { loadOrCreateCentralBankKey } from '../apps/central-bank/src/keys/central-bank-key';
import { decideEndorsement, type BankKnowledge, type BookRecord } from '../apps/commercial-bank/src/endorsement/endorsement-decision';
import { readProposalV2 } from '../apps/commercial-bank/src/endorsement/received-proposal';
import { positiveIntFlag as flag } from './bench-args';
import { upsertBenchmarkSection } from './benchmarks-md';
import { parseEnvFile } from './system-processes';

// Compiled to dist/scripts (npm run bench:sealer) or run from scripts/ with tsx.
const root = existsSync(join(__dirname, '..', 'package.json')) ? resolve(__dirname, '..') : resolve(__dirname, '..', '..');

const entryCount = flag('entries', 20_000);
const walletCount = flag('wallets', 2_000);
const operatorCount = flag('operators', 2);
const blockEntriesMax = flag('block-entries', anchorBlockEntriesDefault);
const repeat = flag('repeat', 3);
const idleMs = flag('idle-ms', 2_000);
const dryRun = process.argv.includes('--dry-run');
const rewrite = process.argv.includes('--rewrite');
/** Committed entries per seeded ledger batch, about what the engine commits at full load. */
const seedBatchEntries = 2_000;
const amountFenMax = 1_000;
/** Blocks sealed before the measurement, to warm the code up. */
const warmUpBlocks = 10;
/** How long reading the proposals back from Kafka may take. */
const consumeTimeoutMs = 60_000;
/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const clockTicksPerSecond = 100;

/** CPU seconds (user + system) a process has used, from /proc; undefined when it cannot be read. */
function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at index 2: utime is 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
  } catch {
    return undefined;
  }
}

function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const round1 = (value: number): number => Math.round(value * 10) / 10;

interface Payment {
  sequence: bigint;
  batchId: bigint;
  commandId: string;
  operatorId: string;
  payer: string;
  payee: string;
  amount: bigint;
}

interface RunFigures {
  sealNodeMicrosPerEntry: number;
  sealPostgresMicrosPerEntry: number;
  sealKafkaMicrosPerEntry: number | null;
  sealWallMs: number;
  blocks: number;
  endorseNodeMicrosPerEntry: number;
  idleNodeMsPerSecond: number;
  idlePostgresMsPerSecond: number;
}

/** Operators and wallets, and the payments to seed (not written yet). */
async function seedParties(pool: Pool, operatorIds: readonly string[], operatorKeys: readonly Ed25519KeyPair[], count: number): Promise<{ payments: Payment[]; walletOperator: Map<string, string> }> {
  for (const [index, operatorId] of operatorIds.entries()) {
    await pool.query(`insert into operators (id, name, kind, public_key, reserve_ratio_bps, issue_quota_auto, reserve_credited, issued) values ($1, $1, 'bank', $2, 10000, 0, 0, 0)`, [
      operatorId,
      Buffer.from(operatorKeys[index]!.publicKey),
    ]);
  }
  const wallets = Array.from({ length: walletCount }, (_, i) => ({ id: walletIdFromPublicKey(randomBytes(32)), operatorId: operatorIds[i % operatorIds.length]! }));
  await pool.query(`insert into wallets (id, operator_id, wallet_class, public_key) select * from unnest($1::text[], $2::text[], $3::smallint[], $4::bytea[])`, [
    wallets.map((w) => w.id),
    wallets.map((w) => w.operatorId),
    wallets.map(() => 1),
    wallets.map(() => randomBytes(32)),
  ]);
  const payments: Payment[] = [];
  for (let index = 0; index < count; index++) {
    const payerIndex = Math.floor(Math.random() * wallets.length);
    const payer = wallets[payerIndex]!;
    const payee = wallets[(payerIndex + 1 + Math.floor(Math.random() * (wallets.length - 1))) % wallets.length]!;
    payments.push({
      sequence: BigInt(index + 1),
      batchId: BigInt(Math.floor(index / seedBatchEntries) + 1),
      commandId: `pay-${randomUUID()}`,
      operatorId: payer.operatorId,
      payer: payer.id,
      payee: payee.id,
      amount: BigInt(1 + Math.floor(Math.random() * amountFenMax)),
    });
  }
  return { payments, walletOperator: new Map(wallets.map((w) => [w.id, w.operatorId])) };
}

/** Writes committed payments as the engine leaves them: one ledger batch per seedBatchEntries. */
async function commitPayments(pool: Pool, payments: readonly Payment[]): Promise<void> {
  const byBatch = new Map<bigint, Payment[]>();
  for (const p of payments) byBatch.set(p.batchId, [...(byBatch.get(p.batchId) ?? []), p]);
  for (const [batchId, chunk] of byBatch) {
    // The engine draws sequences and batch ids from these sequences; keep them in step.
    await pool.query(`select setval('ledger_entry_sequence', $1), setval('ledger_batch_id', $2)`, [chunk[chunk.length - 1]!.sequence.toString(), batchId.toString()]);
    await pool.query(
      `insert into ledger_batches (id, partition, command_count, first_sequence, last_sequence, committed_at) values ($1, 0, $2, $3, $4, now())
       on conflict (id) do update set command_count = ledger_batches.command_count + excluded.command_count, last_sequence = excluded.last_sequence`,
      [batchId.toString(), chunk.length, chunk[0]!.sequence.toString(), chunk[chunk.length - 1]!.sequence.toString()],
    );
    await pool.query(
      `insert into ledger_commands (command_id, batch_id, command_type, operator_id, status, sequence, debit_account, credit_account, amount)
       select c, $2, 'ledger.payment', o, 'accepted', s, 'wallet:' || d, 'wallet:' || k, a
       from unnest($1::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::bigint[]) as u(c, o, s, d, k, a)`,
      [
        chunk.map((p) => p.commandId),
        batchId.toString(),
        chunk.map((p) => p.operatorId),
        chunk.map((p) => p.sequence.toString()),
        chunk.map((p) => p.payer),
        chunk.map((p) => p.payee),
        chunk.map((p) => p.amount.toString()),
      ],
    );
  }
  await pool.query('analyze');
}

/** Every proposal the sealer sent to this operator, as raw message values, in order. */
async function readProposals(kafka: Kafka, operatorId: string, expectedBlocks: number, logger: Logger): Promise<Buffer[]> {
  const consumer = kafka.consumer({ groupId: `bench-sealer-${operatorId}` });
  const values: Buffer[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [operatorAnchorTopic(operatorId)], fromBeginning: true });
    let done: () => void = () => undefined;
    const finished = new Promise<void>((resolveDone) => (done = resolveDone));
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.value !== null) values.push(message.value);
        if (values.length >= expectedBlocks) done();
      },
    });
    const timer = setTimeout(() => {
      logger.warn({ operatorId, received: values.length, expectedBlocks }, 'not every proposal came back in time');
      done();
    }, consumeTimeoutMs);
    await finished;
    clearTimeout(timer);
  } finally {
    await consumer.disconnect();
  }
  return values;
}

/** One operator's books: a record per entry that touches one of its wallets, in sequence order. */
function booksOf(operatorId: string, payments: readonly Payment[], walletOperator: ReadonlyMap<string, string>): BookRecord[] {
  const records: BookRecord[] = [];
  for (const p of payments) {
    if (walletOperator.get(p.payer) === operatorId) records.push({ sequence: p.sequence, walletId: p.payer, side: 'debit', amount: p.amount });
    if (walletOperator.get(p.payee) === operatorId) records.push({ sequence: p.sequence, walletId: p.payee, side: 'credit', amount: p.amount });
  }
  return records;
}

async function runOnce(run: number, env: Record<string, string>, logger: Logger): Promise<RunFigures> {
  const suffix = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const databaseName = `cbdc_bench_sealer_${suffix}`;
  const adminDb = new Pool({ connectionString: env.DATABASE_ADMIN_URL, max: 1 });
  await adminDb.query(`create database ${databaseName}`);
  const url = new URL(env.DATABASE_ADMIN_URL!);
  url.pathname = `/${databaseName}`;
  const pool = createPool({ url: url.toString(), applicationName: 'bench-sealer', poolSizeMax: 4, statementTimeoutMs: 600_000 });
  const kafka = createKafka({ brokers: env.KAFKA_BROKERS!.split(','), clientId: `bench-sealer-${suffix}`, logger });
  const operatorIds = Array.from({ length: operatorCount }, (_, i) => `bench-${String.fromCharCode(97 + (i % 26))}${i}-${suffix}`);
  const topics = operatorIds.map(operatorAnchorTopic);
  const kafkaPid = Number(readFileSync(join(env.STACK_DIR ?? '', 'kafka', 'kafka.pid'), 'utf8').trim()) || undefined;
  let client: PoolClient | undefined;
  let topicsCreated = false;
  try {
    await runMigrations(pool, join(root, 'apps', 'central-bank', 'migrations'));
    await ensureTopics(kafka, topics.map((name) => ({ name, partitions: 1 })));
    topicsCreated = true;
    const operatorKeys = operatorIds.map(() => generateKeyPairFast());
    // A warm-up is sealed first, outside the measurement, so the figures are those of a sealer
    // that has run a while (compiled code paths, open connections), as in production.
    const warmUpEntries = warmUpBlocks * blockEntriesMax;
    const { payments, walletOperator } = await seedParties(pool, operatorIds, operatorKeys, warmUpEntries + entryCount);
    await commitPayments(pool, payments.slice(0, warmUpEntries));
    const centralBankKey = await loadOrCreateCentralBankKey(pool);
    const producer = await createProducer(kafka);
    const settings: AnchorSealerSettings = {
      ANCHOR_ENABLED: true,
      ANCHOR_BLOCK_ENTRIES_MAX: blockEntriesMax,
      ANCHOR_BLOCK_INTERVAL_MS: 200,
      ANCHOR_POLL_MS: 20,
      ANCHOR_QUORUM: undefined,
    };
    const sealer = new AnchorSealer(pool, kafka, producer, logger, centralBankKey, settings);
    client = await pool.connect();
    await client.query('select pg_advisory_lock($1)', [anchorSealerLockKey]);
    await AnchorSealer.prepareSession(client);
    const backendPid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    while ((await sealer.tick(client, true)) > 0);
    await commitPayments(pool, payments.slice(warmUpEntries));

    // The broker's idle rate, so only what the proposals cost it is counted.
    const kafkaIdleFrom = processCpuSeconds(kafkaPid);
    const idleFromMs = performance.now();
    await new Promise((r) => setTimeout(r, 1_000));
    const kafkaIdlePerMs = kafkaIdleFrom === undefined ? 0 : (processCpuSeconds(kafkaPid)! - kafkaIdleFrom) / (performance.now() - idleFromMs);

    const nodeFrom = ownCpuSeconds();
    const postgresFrom = processCpuSeconds(backendPid);
    const kafkaFrom = processCpuSeconds(kafkaPid);
    const wallFrom = performance.now();
    let blocks = 0;
    for (;;) {
      const sealed = await sealer.tick(client, true);
      if (sealed === 0) break;
      blocks += sealed;
    }
    const wallMs = performance.now() - wallFrom;
    const sealNode = ownCpuSeconds() - nodeFrom;
    const sealPostgres = processCpuSeconds(backendPid)! - postgresFrom!;
    const sealKafka = kafkaFrom === undefined ? undefined : processCpuSeconds(kafkaPid)! - kafkaFrom - kafkaIdlePerMs * wallMs;
    const sealedThrough = (await client.query<{ through: string }>('select coalesce(max(last_sequence), 0)::text as through from anchor_blocks')).rows[0]!.through;
    if (sealedThrough !== String(payments.length)) throw new Error(`sealed through ${sealedThrough}, expected ${payments.length}`);
    const blockCount = Number((await client.query<{ n: string }>('select count(*)::text as n from anchor_blocks')).rows[0]!.n);

    // Idle: the sealer's own loop with nothing to seal, less what this process burns anyway
    // (garbage collection, client timers) over the same time without the loop.
    const idleCost = async (ticking: boolean): Promise<{ node: number; postgres: number }> => {
      const nodeStart = ownCpuSeconds();
      const postgresStart = processCpuSeconds(backendPid)!;
      const startMs = performance.now();
      while (performance.now() - startMs < idleMs) {
        if (ticking) await sealer.tick(client!, false);
        await new Promise((r) => setTimeout(r, ticking ? sealer.nextDelayMs() : 50));
      }
      const seconds = (performance.now() - startMs) / 1000;
      return { node: (ownCpuSeconds() - nodeStart) / seconds, postgres: (processCpuSeconds(backendPid)! - postgresStart) / seconds };
    };
    const quiet = await idleCost(false);
    const idle = await idleCost(true);
    await producer.disconnect();

    // Endorse: each operator's pure check of its proposals, timed on messages already in memory.
    const registry = new BinaryMessageRegistry([anchorBlockProposalV2] as BinaryMessageDefinition<unknown>[]);
    let endorseSeconds = 0;
    for (const [index, operatorId] of operatorIds.entries()) {
      const values = await readProposals(kafka, operatorId, blockCount, logger);
      if (values.length !== blockCount) throw new Error(`${operatorId} received ${values.length} proposals, ${blockCount} were sealed`);
      const books = booksOf(operatorId, payments, walletOperator);
      const ourWallets = new Set([...walletOperator].filter(([, operator]) => operator === operatorId).map(([id]) => id));
      let previous: BankKnowledge['previous'];
      let cursor = 0;
      const from = ownCpuSeconds();
      for (const value of values) {
        const reading = readProposalV2(registry.decode(value).body as AnchorBlockProposalV2);
        if (!reading.ok) throw new Error(`${operatorId}: a proposal does not read: ${reading.detail}`);
        const proposal = reading.proposal;
        const lastSequence = proposal.header.lastSequence;
        const start = cursor;
        while (cursor < books.length && books[cursor]!.sequence <= lastSequence) cursor++;
        const decision = decideEndorsement(proposal, {
          centralBankPublicKey: centralBankKey.publicKey,
          previous,
          refusedBelow: false,
          ourWallets,
          records: books.slice(start, cursor),
          requests: new Map(),
          creditBatchesApplied: new Set(),
        });
        if (decision.verdict !== 'endorse') throw new Error(`${operatorId} did not endorse block ${proposal.header.height}: ${decision.verdict === 'refuse' ? decision.code : decision.detail}`);
        const endorsement = endorseBlockHeader(decision.header, operatorId, operatorKeys[index]!.privateKey);
        encodeMessage(anchorEndorsementV1, { operatorId, height: proposal.header.height.toString(), blockHash: toHex(decision.blockHash), signature: toHex(endorsement.signature) });
        previous = { height: decision.header.height, hash: decision.blockHash, lastSequence: decision.header.lastSequence };
      }
      endorseSeconds += ownCpuSeconds() - from;
    }

    const figures: RunFigures = {
      sealNodeMicrosPerEntry: round1((sealNode * 1e6) / entryCount),
      sealPostgresMicrosPerEntry: round1((sealPostgres * 1e6) / entryCount),
      sealKafkaMicrosPerEntry: sealKafka === undefined ? null : round1((Math.max(0, sealKafka) * 1e6) / entryCount),
      sealWallMs: Math.round(wallMs),
      blocks,
      // Every proposal is checked, the warm-up blocks too.
      endorseNodeMicrosPerEntry: round1((endorseSeconds * 1e6) / payments.length),
      idleNodeMsPerSecond: round1(Math.max(0, idle.node - quiet.node) * 1000),
      idlePostgresMsPerSecond: round1(Math.max(0, idle.postgres - quiet.postgres) * 1000),
    };
    console.log(`[run ${run}] ${JSON.stringify(figures)}`);
    return figures;
  } finally {
    client?.release(true);
    if (topicsCreated) {
      const admin = kafka.admin();
      await admin.connect().catch(() => undefined);
      await admin.deleteTopics({ topics }).catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    }
    await pool.end();
    await adminDb.query(`drop database if exists ${databaseName} with (force)`).catch(() => undefined);
    await adminDb.end();
  }
}

/** What a run writes to bench-results/sealer.json. */
interface SealerFigures {
  entries: number;
  wallets: number;
  operators: number;
  blockEntriesMax: number;
  repeat: number;
  median: Record<keyof RunFigures, number | null>;
  runs: RunFigures[];
  measuredAt: string;
}

async function main(): Promise<void> {
  if (rewrite) {
    writeSection(JSON.parse(readFileSync(join(root, 'bench-results', 'sealer.json'), 'utf8')) as SealerFigures);
    return;
  }
  const stackDir = process.env.STACK_DIR ?? join(root, '.stack');
  const env = { STACK_DIR: stackDir, ...(parseEnvFile(readFileSync(join(stackDir, 'env'), 'utf8')) as Record<string, string>) };
  const logger = createLogger({ app: 'bench-sealer', level: 'warn' });
  const runs: RunFigures[] = [];
  for (let run = 1; run <= repeat; run++) runs.push(await runOnce(run, env, logger));
  const pick = (key: keyof RunFigures): number | null => {
    const values = runs.map((r) => r[key]).filter((v): v is number => v !== null);
    return values.length === 0 ? null : median(values);
  };
  const figures: SealerFigures = {
    entries: entryCount,
    wallets: walletCount,
    operators: operatorCount,
    blockEntriesMax,
    repeat,
    median: {
      sealNodeMicrosPerEntry: pick('sealNodeMicrosPerEntry'),
      sealPostgresMicrosPerEntry: pick('sealPostgresMicrosPerEntry'),
      sealKafkaMicrosPerEntry: pick('sealKafkaMicrosPerEntry'),
      sealWallMs: pick('sealWallMs'),
      blocks: pick('blocks'),
      endorseNodeMicrosPerEntry: pick('endorseNodeMicrosPerEntry'),
      idleNodeMsPerSecond: pick('idleNodeMsPerSecond'),
      idlePostgresMsPerSecond: pick('idlePostgresMsPerSecond'),
    },
    runs,
    measuredAt: new Date().toISOString(),
  };
  console.log(JSON.stringify(figures, null, 2));
  if (dryRun) return;
  mkdirSync(join(root, 'bench-results'), { recursive: true });
  writeFileSync(join(root, 'bench-results', 'sealer.json'), `${JSON.stringify(figures, null, 2)}\n`);
  writeSection(figures);
}

function writeSection(figures: SealerFigures): void {
  const { entries: entryCount, wallets: walletCount, operators: operatorCount, blockEntriesMax, repeat } = figures;
  const m = figures.median;
  upsertBenchmarkSection(
    root,
    'sealer',
    `## Sealing and endorsing cost per entry (\`npm run bench:sealer\`)

Command: \`npm run bench:sealer -- --entries ${entryCount}\` (${figures.measuredAt.slice(0, 10)}; ${entryCount.toLocaleString('en')} committed payments
between ${walletCount.toLocaleString('en')} wallets of ${operatorCount} operators, seeded into a fresh database; blocks of at most ${blockEntriesMax} entries;
median of ${repeat} runs). CPU microseconds per sealed entry; no ledger engine runs. On a machine shared with other work the figures move by about a third between runs.

| figure | value |
|---|---|
| sealer, node process (read, hash, Merkle, sign, write, propose) | ${m.sealNodeMicrosPerEntry} µs/entry |
| sealer, its PostgreSQL backend | ${m.sealPostgresMicrosPerEntry} µs/entry |
| sealer, Kafka broker (less its idle rate) | ${m.sealKafkaMicrosPerEntry ?? 'n/a'} µs/entry |
| endorsing, all ${operatorCount} operators' checks (decode, decide, sign) | ${m.endorseNodeMicrosPerEntry} µs/entry |
| blocks sealed | ${m.blocks} |
| sealer idle (nothing to seal): node / PostgreSQL | ${m.idleNodeMsPerSecond} / ${m.idlePostgresMsPerSecond} ms CPU per second |

Before the changes of docs/decisions/0016-cheaper-sealing.md (same command, compiled, run interleaved with the
after-figures on the same machine): sealer node 46-58 µs/entry, its PostgreSQL backend 14-19 µs/entry,
endorsing 35-50 µs/entry, and 23-35 / 50-65 ms of node / PostgreSQL CPU per second while idle.
Before the binary proposals of docs/decisions/0018-binary-anchor-proposals.md (JSON \`anchor.block-proposal\` v1;
same command, compiled, two runs minutes before the after-runs on the same machine, shared with other work at a
load of 4-7): sealer node 43-45 µs/entry, its PostgreSQL backend 15 µs/entry, Kafka broker 8-21 µs/entry,
endorsing 36-39 µs/entry.

Raw figures: \`bench-results/sealer.json\`.`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
