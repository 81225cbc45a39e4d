/**
 * `npm run bench:anchor`: what the permissioned log costs the ledger, and how far behind it runs.
 *
 * Three runs of the same kind of load, each on a fresh database seeded alike (the method of
 * bench:ledger, smaller): signed payments pre-produced to a fresh topic, then drained by the real
 * ledger engine; throughput = accepted payments / (first batch .. last commit).
 *   - "off": the engine alone;
 *   - "sealing": the engine with the real anchor sealer (apps/central-bank/src/anchor) sealing,
 *     signing and proposing blocks over Kafka, and the real endorsement collector storing the
 *     endorsements, finalizing blocks and announcing them. The two operators check each
 *     proposal's chain link and central-bank signature and endorse it: their full checks are the
 *     banks' work, on the banks' machines, so here they do not take the ledger's CPU (see the
 *     next run, and `npm run bench:sealer` for what they cost per entry);
 *   - "sealing, full checks here": the same, with the operators also recomputing the Merkle root
 *     from the leaves and checking their entries' inclusion, as a bank does (minus its books),
 *     on the same two cores as the ledger, in a child process at the lowest priority.
 * The sealing cost (issue 5's figure: the central bank's sealing work) compares "sealing" with
 * "off"; the second figure shows what sharing the machine with the operators' checks adds.
 * The runs alternate for `--rounds` rounds (off, sealing, full, off, ...), each on its own
 * database, and the figures compare medians, so a drift of the machine is shared by all three.
 * Block lag: for every sealed entry, (its block became final) - (its batch committed), p50/p99
 * (of the round with the median throughput of its kind).
 *
 * Flags: --payments N (default 50000) --wallets N (10000) --batch-size N (2000)
 *        --block-entries N (ANCHOR_BLOCK_ENTRIES_MAX, 400) --block-interval-ms N (200)
 *        --rounds N (3) --dry-run (print, do not write BENCHMARKS.md / bench-results/anchor.json)
 */
import { createPrivateKey, createPublicKey, randomBytes, sign as cryptoSign } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join, resolve } from 'node:path';
import { Pool } from 'pg';
import type { Kafka, Producer } from 'kafkajs';
import {
  anchorBlockProposalV2,
  anchorEndorsementV1,
  BinaryMessageRegistry,
  encodeMessage,
  operatorAnchorTopic,
  paymentMessage,
  type AnchorBlockProposalV2,
  type BinaryMessageDefinition,
  type KeyedMessage,
} from '@cbdc/contracts';
import { decodeBlockHeader, decodeEntry, endorseBlockHeader, hashBytes, merkleRoot, sha256, verifyBlockSignature } from '@cbdc/anchor';
import { bytesEqual, fromHex, generateKeyPairFast, publicKeyFromPrivateKey, toHex, walletIdFromPublicKey, type Ed25519KeyPair } from '@cbdc/crypto';
import { createPolicy } from '@cbdc/ledger';
import { createKafka, createLogger, createPool, createProducer, ensureTopics, runMigrations, startBatchConsumer, type BatchConsumer, type Logger } from '@cbdc/platform';
import { startLedgerEngine } from '../apps/central-bank/src/ledger-engine/ledger-engine.runtime';
import type { BatchStats } from '../apps/central-bank/src/ledger-engine/ledger-engine';
import { AnchorSealer, type AnchorSealerSettings } from '../apps/central-bank/src/anchor/anchor-sealer.service';
import { anchorPollMsDefault } from '../apps/central-bank/src/central-bank.settings';
import { AnchorEndorsementsConsumer } from '../apps/central-bank/src/anchor/anchor-endorsements.consumer';
import { loadOrCreateCentralBankKey } from '../apps/central-bank/src/keys/central-bank-key';
import { startReadyProcess } from '@cbdc/testing';
import { positiveIntFlag as flag } from './bench-args';
import { upsertBenchmarkSection } from './benchmarks-md';
import { parseEnvFile } from './system-processes';

const root = resolve(__dirname, '..', '..');

const payments = flag('payments', 50_000);
const walletCount = flag('wallets', 10_000);
const batchSizeMax = flag('batch-size', 2_000);
const blockEntriesMax = flag('block-entries', 400);
const blockIntervalMs = flag('block-interval-ms', 200);
const rounds = flag('rounds', 3);
/** The child process's mode: run the stand-in operators described by BENCH_ANCHOR_ENDORSERS. */
const endorsersChildFlag = '--endorsers-child';
/** The stand-in operators' scheduling priority (19: the lowest), see spawnEndorsers. */
const endorsersNiceness = 19;
const dryRun = process.argv.includes('--dry-run');
const walletStartFen = 1_000_000n;
const amountFenMax = 1_000;
const produceChunkMessages = 2_000;
const drainTimeoutMs = 600_000;
const finalTimeoutMs = 120_000;
const pkcs8Ed25519Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');

interface Wallet {
  id: string;
  operatorId: string;
  publicKey: Uint8Array;
  sign: (message: Uint8Array) => Uint8Array;
  counter: bigint;
}

function newWallet(operatorId: string): Wallet {
  const privateKey = createPrivateKey({ key: Buffer.concat([pkcs8Ed25519Prefix, randomBytes(32)]), format: 'der', type: 'pkcs8' });
  const publicKey = new Uint8Array(Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x!, 'base64url'));
  return { id: walletIdFromPublicKey(publicKey), operatorId, publicKey, sign: (message) => cryptoSign(null, message, privateKey), counter: 0n };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function seed(pool: Pool, wallets: readonly Wallet[], operatorIds: readonly string[], operatorKeys: readonly Ed25519KeyPair[]): Promise<void> {
  const reserveCreditedFen = 10n ** 15n;
  for (const [index, operatorId] of operatorIds.entries()) {
    const mine = wallets.filter((w) => w.operatorId === operatorId);
    const issued = walletStartFen * BigInt(mine.length) + 10n ** 12n;
    await pool.query(
      `insert into operators (id, name, kind, public_key, reserve_ratio_bps, issue_quota_auto, reserve_credited, issued) values ($1, $1, 'bank', $2, 10000, 0, $3, $4)`,
      [operatorId, Buffer.from(operatorKeys[index]!.publicKey), reserveCreditedFen.toString(), issued.toString()],
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
  await pool.query(`insert into wallets (id, operator_id, wallet_class, public_key) select * from unnest($1::text[], $2::text[], $3::smallint[], $4::bytea[])`, [
    wallets.map((w) => w.id),
    wallets.map((w) => w.operatorId),
    wallets.map(() => 1),
    wallets.map((w) => Buffer.from(w.publicKey)),
  ]);
  await pool.query(
    `insert into accounts (id, kind, balance, last_counter, day_key, day_total, year_key, year_total) select id, 'wallet', $2, 0, 0, 0, 0, 0 from unnest($1::text[]) as id`,
    [wallets.map((w) => `wallet:${w.id}`), walletStartFen.toString()],
  );
  await pool.query('analyze');
}

/** The checks a bank adds to the link and the signature: its entries' inclusion, and the Merkle root from all the leaves. */
function entriesHold(proposal: AnchorBlockProposalV2, header: ReturnType<typeof decodeBlockHeader>): boolean {
  const leaves = Array.from({ length: proposal.leafHashes.length / hashBytes }, (_, i) => proposal.leafHashes.subarray(i * hashBytes, (i + 1) * hashBytes));
  const included = proposal.entries.every((item) => decodeEntry(item.entry).sequence <= header.lastSequence && bytesEqual(sha256(item.entry), leaves[item.index]!));
  return included && bytesEqual(merkleRoot(leaves), header.merkleRoot);
}

/**
 * Turns autovacuum off for the round's own tables (its database is dropped after the round).
 * Autovacuum visits a new database within about a minute, and its visit landed inside some
 * 13-second drains and not others: noise of the size of the figure being measured.
 */
async function withoutAutovacuum(pool: Pool): Promise<void> {
  const tables = await pool.query<{ name: string }>(`select quote_ident(tablename) as name from pg_tables where schemaname = 'public'`);
  for (const { name } of tables.rows) await pool.query(`alter table ${name} set (autovacuum_enabled = false, toast.autovacuum_enabled = false)`);
}

/** A stand-in operator: checks each proposal (all of a bank's checks minus its books, or only the link and signature) and endorses it. */
async function startEndorser(
  kafka: Kafka,
  producer: Producer,
  operatorId: string,
  key: Ed25519KeyPair,
  centralBankPublicKey: Uint8Array,
  checks: OperatorChecks,
  endorsementsTopic: string,
  logger: Logger,
): Promise<BatchConsumer> {
  const registry = new BinaryMessageRegistry([anchorBlockProposalV2] as BinaryMessageDefinition<unknown>[]);
  let previous: { height: bigint; hash: Uint8Array; lastSequence: bigint } | undefined;
  return startBatchConsumer({
    kafka,
    groupId: `bench-anchor-${operatorId}`,
    topics: [operatorAnchorTopic(operatorId)],
    logger,
    handler: async (messages) => {
      const out: { key: string; value: string }[] = [];
      for (const message of messages) {
        let proposal: AnchorBlockProposalV2;
        try {
          const envelope = registry.decode(message.value!);
          proposal = envelope.body as AnchorBlockProposalV2;
        } catch {
          continue;
        }
        // As a bank reads a binary proposal (received-proposal.ts): hash the bytes received, decode the entries.
        const header = decodeBlockHeader(proposal.header);
        const hash = sha256(proposal.header);
        const linked = previous === undefined || (header.height === previous.height + 1n && bytesEqual(header.previousHash, previous.hash) && header.firstSequence === previous.lastSequence + 1n);
        if (!linked || !verifyBlockSignature(hash, proposal.centralBankSignature, centralBankPublicKey) || (checks === 'full' && !entriesHold(proposal, header))) {
          throw new Error(`bench endorser ${operatorId}: block ${header.height} does not verify`);
        }
        previous = { height: header.height, hash, lastSequence: header.lastSequence };
        const endorsement = endorseBlockHeader(header, operatorId, key.privateKey);
        out.push({ key: operatorId, value: encodeMessage(anchorEndorsementV1, { operatorId, height: header.height.toString(), blockHash: toHex(hash), signature: toHex(endorsement.signature) }) });
      }
      if (out.length > 0) await producer.send({ topic: endorsementsTopic, acks: -1, messages: out });
    },
  });
}

/** Which parties run beside the engine (see the file's comment). */
type RunKind = 'off' | 'sealing' | 'full-checks';
/** How the stand-in operators check a proposal before they endorse it. */
type OperatorChecks = 'link-and-signature' | 'full';

interface RunResult {
  transfersPerSecond: number;
  accepted: number;
  elapsedSeconds: number;
  blocks?: number;
  blockLagMsP50?: number;
  blockLagMsP99?: number;
}

async function runOnce(label: string, kind: RunKind, env: Record<string, string>, logger: Logger): Promise<RunResult> {
  const sealerOn = kind !== 'off';
  const suffix = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const databaseName = `cbdc_bench_anchor_${suffix}`;
  const adminDb = new Pool({ connectionString: env.DATABASE_ADMIN_URL, max: 1 });
  await adminDb.query(`create database ${databaseName}`);
  const url = new URL(env.DATABASE_ADMIN_URL!);
  url.pathname = `/${databaseName}`;
  const pool = createPool({ url: url.toString(), applicationName: 'bench-anchor', poolSizeMax: 8, statementTimeoutMs: 600_000 });
  const brokers = env.KAFKA_BROKERS!.split(',');
  const kafka = createKafka({ brokers, clientId: `bench-anchor-${suffix}`, logger });
  const topic = `bench.anchor-ledger.${suffix}`;
  // The round's own endorsements topic: the stand-in operators' answers must never reach a central
  // bank running on this stack, whose collector reads `central-bank.anchor.v1` (decision 0021).
  const endorsementsTopic = `bench.anchor-endorsements.${suffix}`;
  const operatorIds = [`bench-a-${suffix}`, `bench-b-${suffix}`];
  const stops: (() => Promise<void>)[] = [];
  try {
    await runMigrations(pool, join(root, 'apps', 'central-bank', 'migrations'));
    await ensureTopics(kafka, [{ name: topic, partitions: 1 }, { name: endorsementsTopic, partitions: 1 }, ...operatorIds.map((id) => ({ name: operatorAnchorTopic(id), partitions: 1 }))]);
    const operatorKeys = operatorIds.map(() => generateKeyPairFast());
    const wallets = Array.from({ length: walletCount }, (_, i) => newWallet(operatorIds[i % 2]!));
    await seed(pool, wallets, operatorIds, operatorKeys);
    await withoutAutovacuum(pool);
    const producer = await createProducer(kafka);
    stops.push(() => producer.disconnect());
    const messages: KeyedMessage[] = [];
    for (let index = 0; index < payments; index++) {
      const payer = wallets[Math.floor(Math.random() * wallets.length)]!;
      const payee = wallets[(wallets.indexOf(payer) + 1 + Math.floor(Math.random() * (wallets.length - 1))) % wallets.length]!;
      payer.counter += 1n;
      messages.push(
        paymentMessage(
          { commandId: `${label}-${index}`, operatorId: payer.operatorId, payerWalletId: payer.id, payeeWalletId: payee.id, amount: BigInt(1 + Math.floor(Math.random() * amountFenMax)), counter: payer.counter },
          payer.sign,
        ),
      );
    }
    console.log(`[${label}] producing ${payments} signed payments (not timed)`);
    for (let start = 0; start < messages.length; start += produceChunkMessages) {
      await producer.send({ topic, acks: -1, messages: messages.slice(start, start + produceChunkMessages).map((m) => ({ key: m.key, value: m.value })) });
    }

    const centralBankKey = await loadOrCreateCentralBankKey(pool);
    const settings: AnchorSealerSettings = {
      ANCHOR_ENABLED: true,
      ANCHOR_BLOCK_ENTRIES_MAX: blockEntriesMax,
      ANCHOR_BLOCK_INTERVAL_MS: blockIntervalMs,
      // The central bank's own default, so the sealer polls the watermark as often as it does in the app.
      ANCHOR_POLL_MS: anchorPollMsDefault,
      ANCHOR_QUORUM: undefined,
    };
    if (sealerOn) {
      const stopEndorsers = await spawnEndorsers({
        operators: operatorIds.map((operatorId, index) => ({ operatorId, privateKeyHex: toHex(operatorKeys[index]!.privateKey) })),
        centralBankPublicKeyHex: toHex(centralBankKey.publicKey),
        checks: kind === 'full-checks' ? 'full' : 'link-and-signature',
        endorsementsTopic,
      });
      stops.push(stopEndorsers);
      const collector = new AnchorEndorsementsConsumer(pool, kafka, logger, { ...settings, CONSUMER_GROUP_PREFIX: `bench-anchor-${suffix}`, endorsementsTopic });
      await collector.onApplicationBootstrap();
      stops.push(() => collector.onModuleDestroy());
      const sealer = new AnchorSealer(pool, kafka, producer, logger, centralBankKey, settings);
      sealer.onApplicationBootstrap();
      stops.unshift(() => sealer.onModuleDestroy());
    }

    let seen = 0;
    let firstBatchAt = 0;
    let lastCommitAt = 0;
    let done: () => void = () => undefined;
    const finished = new Promise<void>((resolveDone) => (done = resolveDone));
    const policy = createPolicy();
    const runtime = await startLedgerEngine({
      databaseUrl: url.toString(),
      kafkaBrokers: brokers,
      topic,
      partitions: 1,
      consumerGroup: `bench-anchor-${suffix}`,
      centralBankPublicKey: centralBankKey.publicKey,
      policy: () => policy,
      logger,
      batchSizeMax,
      onBatch: (batch: BatchStats) => {
        const now = performance.now();
        if (firstBatchAt === 0) firstBatchAt = now - batch.totalMs;
        seen += batch.commands;
        lastCommitAt = now;
        if (seen >= payments) done();
      },
    });
    const timer = setTimeout(() => done(), drainTimeoutMs);
    await finished;
    clearTimeout(timer);
    await runtime.close();
    const accepted = Number((await pool.query<{ n: string }>(`select count(*) as n from ledger_commands where status = 'accepted'`)).rows[0]!.n);
    const elapsedSeconds = (lastCommitAt - firstBatchAt) / 1000;
    const result: RunResult = { transfersPerSecond: Math.round(accepted / elapsedSeconds), accepted, elapsedSeconds: Math.round(elapsedSeconds * 100) / 100 };
    if (sealerOn) {
      const deadline = Date.now() + finalTimeoutMs;
      for (;;) {
        const pending = await pool.query<{ sealed: string; final: string; through: string | null }>(
          `select (select count(*) from anchor_blocks)::text as sealed, (select count(*) from anchor_blocks where final_at is not null)::text as final,
                  (select max(last_sequence) from anchor_blocks where final_at is not null)::text as through`,
        );
        const maxSequence = (await pool.query<{ m: string | null }>(`select max(sequence)::text as m from ledger_commands`)).rows[0]!.m;
        const row = pending.rows[0]!;
        if (row.through !== null && row.through === maxSequence && row.sealed === row.final) break;
        if (Date.now() > deadline) throw new Error(`[${label}] blocks not final after ${finalTimeoutMs} ms: ${JSON.stringify(row)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const lags = await pool.query<{ lag: string }>(
        `select (extract(epoch from (b.final_at - lb.committed_at)) * 1000)::text as lag
         from ledger_commands c join ledger_batches lb on lb.id = c.batch_id
         join anchor_blocks b on c.sequence between b.first_sequence and b.last_sequence
         where c.status = 'accepted'`,
      );
      const sorted = lags.rows.map((r) => Number(r.lag)).sort((x, y) => x - y);
      result.blocks = Number((await pool.query<{ n: string }>('select count(*) as n from anchor_blocks')).rows[0]!.n);
      result.blockLagMsP50 = Math.round(percentile(sorted, 50));
      result.blockLagMsP99 = Math.round(percentile(sorted, 99));
    }
    console.log(`[${label}] ${JSON.stringify(result)}`);
    return result;
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
    const admin = kafka.admin();
    await admin.connect().catch(() => undefined);
    await admin.deleteTopics({ topics: [topic, endorsementsTopic, ...operatorIds.map(operatorAnchorTopic)] }).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await pool.end();
    await adminDb.query(`drop database if exists ${databaseName} with (force)`).catch(() => undefined);
    await adminDb.end();
  }
}

interface EndorsersSpec {
  operators: { operatorId: string; privateKeyHex: string }[];
  centralBankPublicKeyHex: string;
  checks: OperatorChecks;
  endorsementsTopic: string;
}

/** Starts the stand-in operators in a child process; resolves once they have joined, to a stop function. */
async function spawnEndorsers(spec: EndorsersSpec): Promise<() => Promise<void>> {
  // The child inherits the Kafka settings and credentials of this process's environment.
  const endorsers = await startReadyProcess({ name: 'the bench endorsers', args: [__filename, endorsersChildFlag], env: { BENCH_ANCHOR_ENDORSERS: JSON.stringify(spec) } });
  // The operators' checks run on the operators' own machines in production; on this one they get
  // only the CPU the central bank leaves idle, so their work is not counted as the sealer's cost.
  setPriority(endorsers.child.pid!, endorsersNiceness);
  return () => endorsers.stop();
}

/** The child process: the stand-in operators of one sealer-on round, until SIGTERM. */
async function runEndorsersChild(): Promise<void> {
  const spec = JSON.parse(process.env.BENCH_ANCHOR_ENDORSERS!) as EndorsersSpec;
  const stackDir = process.env.STACK_DIR ?? join(root, '.stack');
  const env = parseEnvFile(readFileSync(join(stackDir, 'env'), 'utf8')) as Record<string, string>;
  const logger = createLogger({ app: 'bench-anchor-endorsers', level: 'warn' });
  const kafka = createKafka({ brokers: env.KAFKA_BROKERS!.split(','), clientId: `bench-anchor-endorsers-${process.pid}`, logger });
  const producer = await createProducer(kafka);
  const centralBankPublicKey = fromHex(spec.centralBankPublicKeyHex);
  const endorsers: BatchConsumer[] = [];
  for (const operator of spec.operators) {
    const privateKey = fromHex(operator.privateKeyHex);
    endorsers.push(await startEndorser(kafka, producer, operator.operatorId, { privateKey, publicKey: publicKeyFromPrivateKey(privateKey) }, centralBankPublicKey, spec.checks, spec.endorsementsTopic, logger));
  }
  process.once('SIGTERM', () => {
    void Promise.all(endorsers.map((endorser) => endorser.stop()))
      .then(() => producer.disconnect())
      .finally(() => process.exit(0));
  });
  console.log('ready');
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

async function main(): Promise<void> {
  const stackDir = process.env.STACK_DIR ?? join(root, '.stack');
  const env = parseEnvFile(readFileSync(join(stackDir, 'env'), 'utf8')) as Record<string, string>;
  const logger = createLogger({ app: 'bench-anchor', level: 'warn' });
  const runs: Record<RunKind, RunResult[]> = { off: [], sealing: [], 'full-checks': [] };
  for (let round = 1; round <= rounds; round++) {
    for (const kind of Object.keys(runs) as RunKind[]) runs[kind].push(await runOnce(`${kind}-${round}`, kind, env, logger));
  }
  /** The median throughput of a kind, and its run (for the lag). */
  const medianOf = (kind: RunKind): { perSecond: number; run: RunResult } => {
    const perSecond = median(runs[kind].map((run) => run.transfersPerSecond));
    return { perSecond, run: runs[kind].find((run) => run.transfersPerSecond === perSecond)! };
  };
  const off = medianOf('off');
  const sealing = medianOf('sealing');
  const full = medianOf('full-checks');
  const costOf = (perSecond: number): number => Math.round((1 - perSecond / off.perSecond) * 1000) / 10;
  const costPercent = costOf(sealing.perSecond);
  const fullChecksCostPercent = costOf(full.perSecond);
  const figures = {
    payments,
    wallets: walletCount,
    batchSizeMax,
    blockEntriesMax,
    blockIntervalMs,
    rounds,
    offPerSecondMedian: off.perSecond,
    sealingPerSecondMedian: sealing.perSecond,
    fullChecksPerSecondMedian: full.perSecond,
    runs,
    sealingCostPercent: costPercent,
    fullChecksHereCostPercent: fullChecksCostPercent,
    measuredAt: new Date().toISOString(),
  };
  console.log(JSON.stringify(figures, null, 2));
  if (dryRun) return;
  mkdirSync(join(root, 'bench-results'), { recursive: true });
  writeFileSync(join(root, 'bench-results', 'anchor.json'), `${JSON.stringify(figures, null, 2)}\n`);
  const eachRound = (kind: RunKind): string => runs[kind].map((run) => run.transfersPerSecond.toLocaleString('en')).join(', ');
  const lagOf = (run: RunResult): string => `${run.blockLagMsP50} / ${run.blockLagMsP99} ms`;
  upsertBenchmarkSection(
    root,
    'anchor',
    `## Anchor sealing cost and block lag (\`npm run bench:anchor\`)

Command: \`npm run bench:anchor -- --payments ${payments} --rounds ${rounds}\` (${new Date().toISOString().slice(0, 10)}; ${walletCount.toLocaleString('en')} wallets,
${payments.toLocaleString('en')} signed payments pre-produced to Kafka and drained by the engine; blocks of at most
${blockEntriesMax} entries or ${blockIntervalMs} ms). Each round drains the same kind of load three times, on fresh databases:
the engine alone ("off"); with the central bank's sealing (the sealer and the endorsement collector, their
PostgreSQL and Kafka work), the two operators checking link and signature before they endorse ("sealing"); and
the same with the operators' full checks (Merkle root, their entries' inclusion) on the same two cores, at the
lowest priority ("full checks here"). ${rounds} rounds; the figures compare the medians, and each lag is that of
the median round of its kind. The sealing cost is issue 5's figure: the operators' checks are the banks' work,
on the banks' machines (docs/decisions/0022-what-bench-anchor-counts.md).

| figure | value |
|---|---|
| ledger throughput, off (median; each round) | ${off.perSecond.toLocaleString('en')} payments/s (${eachRound('off')}) |
| ledger throughput, sealing (median; each round) | ${sealing.perSecond.toLocaleString('en')} payments/s (${eachRound('sealing')}) |
| **sealing cost** (target < 10 %) | **${costPercent}%** |
| block lag, sealing (entry committed -> block final) p50 / p99 | ${lagOf(sealing.run)} |
| ledger throughput, full checks here (median; each round) | ${full.perSecond.toLocaleString('en')} payments/s (${eachRound('full-checks')}) |
| cost with the operators' full checks on the same machine | ${fullChecksCostPercent}% |
| block lag, full checks here, p50 / p99 | ${lagOf(full.run)} |
| blocks sealed per run | ${sealing.run.blocks} |

Raw figures: \`bench-results/anchor.json\`.`,
  );
}

(process.argv.includes(endorsersChildFlag) ? runEndorsersChild() : main()).catch((error) => {
  console.error(error);
  process.exit(1);
});
