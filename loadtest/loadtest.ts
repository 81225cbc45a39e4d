/**
 * `npm run loadtest -- --scenario retail --rate 3000 --duration 60s` (scripts/loadtest.sh brings
 * the system up first when it is not running). Seeds the wallets (not measured), signs every
 * request with the wallet SDK before the run, fires them open-loop at a constant rate (vegeta for
 * payments, the project's own driver for the lifecycle mix), prints a progress line every second,
 * then checks the ledger (every settled payment accepted exactly once, invariants hold) and writes
 * loadtest/results/<scenario>-<time>.json, latest.json, an HTML report and BENCHMARKS.md.
 */
import { mkdirSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { createFastSigner } from '@cbdc/crypto';
import { signPayment, signUnload, type MessageSigner } from '@cbdc/wallet-sdk';
import { upsertBenchmarkSection } from '../scripts/benchmarks-md';
import { ArgsError, parseLoadtestArgs, usage, walletsFor, type LoadtestOptions } from './loadtest-args';
import { latencySplit, ProgressTracker, summarizeOutcomes, type LatencySplit, type RequestOutcome, type RunTotals } from './latency-stats';
import { benchmarkMarkdown, renderHtmlReport, resultFromTotals, type FindMaxStep, type LedgerBatchesView, type LoadtestResult, type ProcessUsage, type StatementTimeView } from './loadtest-report';
import { runOpenLoop, type OpenLoopRequest } from './open-loop-driver';
import { ProcessSampler, systemProcesses } from './process-usage';
import { operationCount, planLimitProblems, planOperations, retailAmountMaxFen, type PlannedOperation, type PlanWallet } from './scenario-plan';
import {
  classLimits,
  connectSystem,
  creditReserve,
  durableCommits,
  ensureOperators,
  expectStatus,
  http,
  invariantsHold,
  blockLag,
  issue,
  resetStatementTimes,
  sleep,
  topStatementTimes,
  waitFor,
  type ClassLimitsFenView,
  type SystemAccess,
} from './system-access';
import { runVegeta, settledAtMs, settledPaymentId } from './vegeta-runner';
import { vegetaTargetLine, type HttpTarget } from './vegeta-targets';
import { ensureWallets, fundWallets, ledgerWallets, prepareRunLoads, privateKeyOf, readPool, writePool, type PoolWallet } from './wallet-pool';
import { seededRandom } from './zipf-sampler';

const root = resolve(__dirname, '..', '..');
/** Pause between find-max steps, so one step's backlog does not count against the next. */
const stepPauseMs = 5_000;
/** How long the lifecycle waits after its run for loads and unloads to be decided by the ledger. */
const decisionsWaitMs = 30_000;
/** How long after the run the block lag waits for the last payments' blocks to become final. */
const blockLagWaitMs = 30_000;
/** A wallet starts each run with at least this many fen on top of what it will spend. */
const balanceMarginFen = 10_000n;
/** The lifecycle's treasury issues or recalls this often, alternating, per bank. */
const treasuryIntervalMs = 5_000;
const treasuryAmountFen = 1_000_000n;
/** Find-max narrows the passing and failing rates to within this fraction before confirming. */
const findMaxResolution = 0.1;
/** Confirmation attempts of --find-max, each 10 % below the last, before giving up. */
const confirmAttemptsMax = 3;
/**
 * find-max first runs this long at the start rate without judging it: a system just started (JIT,
 * connection pools, Kafka's JVM) answers its first seconds slowly, and a search that failed its
 * first step on that found nothing.
 */
const findMaxWarmupSeconds = 20;

function log(line: string): void {
  console.log(line);
}

interface RunContext {
  readonly options: LoadtestOptions;
  readonly system: SystemAccess;
  readonly runId: string;
  /** Paying wallets for a rate: the pool grows as --find-max ramps up, seeded between steps. */
  readonly personsFor: (rate: number) => Promise<readonly PoolWallet[]>;
  readonly merchants: readonly PoolWallet[];
  readonly limits: ClassLimitsFenView;
  readonly vegeta: string;
  readonly workDir: string;
  /** Counters handed out so far in this process, by wallet id (find-max steps reuse wallets). */
  readonly countersUsed: Map<string, bigint>;
}

interface StepOutcome {
  readonly rate: number;
  readonly durationSeconds: number;
  readonly wallets: number;
  readonly totals: RunTotals;
  readonly settledIds: string[];
  readonly ledgerRequestIds: string[];
  readonly usage: Record<string, ProcessUsage>;
  readonly notes: string[];
  readonly split: LatencySplit;
  readonly batches: LedgerBatchesView;
  /** The database statements that took the most time during the step; null when not measured. */
  readonly statements: StatementTimeView[] | null;
}

function bankUrl(system: SystemAccess, operatorId: string): string {
  return system.banks.find((bank) => bank.operatorId === operatorId)!.url;
}

function staffKey(system: SystemAccess, operatorId: string): string {
  return system.banks.find((bank) => bank.operatorId === operatorId)!.staffKey;
}

/** The signed HTTP request of one planned operation. */
function targetOf(context: RunContext, operation: PlannedOperation, keys: Map<string, Uint8Array>, signWith: MessageSigner): OpenLoopRequest {
  const { system } = context;
  const url = bankUrl(system, operation.payer.bank);
  const privateKey = keys.get(operation.payer.walletId)!;
  const accepted = (status: number) => status === 202 || status === 200;
  switch (operation.kind) {
    case 'pay':
    case 'pay-request': {
      const signed = signPayment(
        { paymentId: operation.id, payerWalletId: operation.payer.walletId, payeeWalletId: operation.payeeWalletId!, amount: operation.amount, counter: operation.counter! },
        privateKey,
        signWith,
      );
      const body = operation.paymentRequest ? { ...signed, paymentRequest: operation.paymentRequest } : signed;
      return { method: 'POST', url: `${url}/v1/payments`, body: JSON.stringify(body), isOk: (status, text) => settledPaymentId(status, text) !== null };
    }
    case 'load':
      return {
        method: 'POST',
        url: `${url}/v1/wallets/${operation.payer.walletId}/loads`,
        body: JSON.stringify({ loadId: operation.id, amount: operation.amount.toString() }),
        headers: { authorization: `Bearer ${staffKey(system, operation.payer.bank)}` },
        isOk: accepted,
      };
    case 'unload': {
      const signed = signUnload(
        { operatorId: operation.payer.bank, walletId: operation.payer.walletId, amount: operation.amount, counter: operation.counter!, commandId: `${operation.payer.bank}:unload:${operation.id}` },
        privateKey,
        signWith,
      );
      return {
        method: 'POST',
        url: `${url}/v1/wallets/${operation.payer.walletId}/unloads`,
        body: JSON.stringify({ unloadId: operation.id, amount: signed.amount, counter: signed.counter, walletSignature: signed.walletSignature }),
        headers: { authorization: `Bearer ${staffKey(system, operation.payer.bank)}` },
        isOk: accepted,
      };
    }
  }
}

/** The ledger command id of a lifecycle load or unload the bank sent for the run. */
function ledgerCommandIdOf(operation: PlannedOperation): string {
  return `${operation.payer.bank}:${operation.kind}:${operation.id}`;
}

/** Funds the wallets for one step, plans it, signs it and runs it; returns what happened. */
async function runStep(context: RunContext, rate: number, durationSeconds: number, stepName: string): Promise<StepOutcome> {
  const { options, system } = context;
  const persons = await context.personsFor(rate);
  const count = operationCount(rate, durationSeconds);
  const paymentsPerWallet = BigInt(Math.ceil(count / persons.length));
  const spendFen = paymentsPerWallet * BigInt(retailAmountMaxFen);
  await fundWallets(system, persons, spendFen + balanceMarginFen / 2n, spendFen * 2n + balanceMarginFen, `${context.runId}${stepName}`, log);
  const view = await ledgerWallets(system, [...persons, ...context.merchants]);
  const planWallets = (wallets: readonly PoolWallet[]): PlanWallet[] => wallets.map((w) => view.get(w.walletId)!);
  const plan = planOperations({
    scenario: options.scenario,
    runId: `${context.runId}${stepName}`,
    rate,
    durationSeconds,
    persons: planWallets(persons),
    merchants: planWallets(context.merchants),
    zipfExponent: options.zipfExponent,
    random: seededRandom(options.seed + rate),
    requestExpiresAtSeconds: Math.floor(Date.now() / 1000) + 3_600,
    countersUsed: context.countersUsed,
  });
  const problems = planLimitProblems(plan, [...view.values()], context.limits);
  if (problems.length > 0) throw new Error(`the plan would break class limits or balances (${problems.length} problems), first: ${problems.slice(0, 3).join('; ')}`);
  if (options.scenario === 'lifecycle') {
    const loads = new Map<string, bigint>();
    for (const operation of plan) if (operation.kind === 'load') loads.set(operation.payer.walletId, (loads.get(operation.payer.walletId) ?? 0n) + operation.amount);
    await prepareRunLoads(system, persons, loads, `${context.runId}${stepName}`);
  }
  const keys = new Map([...persons, ...context.merchants].map((w) => [w.walletId, privateKeyOf(w)]));
  // One OpenSSL key object per wallet, all cached: round-robin payers would thrash a smaller cache.
  const signer = createFastSigner({ keyCacheSizeMax: keys.size });
  const signingBegan = Date.now();
  const requests = plan.map((operation) => targetOf(context, operation, keys, (message, privateKey) => signer.sign(message, privateKey)));
  log(`signed ${requests.length} requests in ${((Date.now() - signingBegan) / 1000).toFixed(1)} s (not measured)`);

  const outcomes: RequestOutcome[] = [];
  const settledIds: string[] = [];
  const splitSamples: { sentAtEpochMs: number; latencyMs: number; committedAtEpochMs: number }[] = [];
  const progress = new ProgressTracker();
  const sampler = new ProcessSampler(systemProcesses(system.stackDir));
  sampler.add('loadtest-driver', process.pid);
  const notes: string[] = [];
  const statementsMeasured = await resetStatementTimes(system);
  if (!statementsMeasured) notes.push('database statement times not measured: pg_stat_statements is not loaded (reset the stack once)');
  sampler.start();
  const began = Date.now();
  const ticker = setInterval(() => log(progress.line((Date.now() - began) / 1000, rate)), 1000);
  const record = (outcome: RequestOutcome, body: string, sentAtEpochMs: number) => {
    outcomes.push(outcome);
    progress.record(outcome);
    if (outcome.ok) {
      const paymentId = settledPaymentId(200, body);
      if (paymentId) settledIds.push(paymentId);
      const committedAtEpochMs = settledAtMs(200, body);
      if (committedAtEpochMs !== null) splitSamples.push({ sentAtEpochMs, latencyMs: outcome.latencyMs, committedAtEpochMs });
    }
  };
  let treasury: Promise<void> = Promise.resolve();
  try {
    if (options.scenario === 'lifecycle') {
      let stop = false;
      treasury = treasuryDuringRun(context, stepName, () => stop, notes);
      await runOpenLoop({ requests, rate, timeoutSeconds: options.requestTimeoutSeconds, onOutcome: (outcome, _request, body, sentAtEpochMs) => record(outcome, body, sentAtEpochMs) });
      stop = true;
    } else {
      const targetsFile = join(context.workDir, `targets-${stepName || 'run'}.jsonl`);
      await writeTargets(targetsFile, requests);
      await runVegeta({
        vegeta: context.vegeta,
        targetsFile,
        rate,
        durationSeconds: count / rate,
        timeoutSeconds: options.requestTimeoutSeconds,
        onOutcome: record,
        onProcesses: ({ attack, encode }) => {
          sampler.add('vegeta-attack', attack);
          sampler.add('vegeta-encode', encode);
        },
      });
      rmSync(targetsFile, { force: true });
    }
  } finally {
    clearInterval(ticker);
    await treasury;
  }
  const usage = sampler.stop();
  const ended = Date.now();
  log(progress.line((ended - began) / 1000, rate));
  const batches = await ledgerBatches(system, began, ended);
  const statements = statementsMeasured ? await topStatementTimes(system) : null;
  const totals = summarizeOutcomes(outcomes, durationSeconds);
  const ledgerRequestIds = plan.filter((operation) => operation.kind === 'load' || operation.kind === 'unload').map(ledgerCommandIdOf);
  return { rate, durationSeconds, wallets: persons.length, totals, settledIds, ledgerRequestIds, usage, notes, split: latencySplit(splitSamples), batches, statements };
}

function writeTargets(file: string, requests: readonly HttpTarget[]): Promise<void> {
  return new Promise((resolveWrite, rejectWrite) => {
    const stream = createWriteStream(file);
    stream.on('error', rejectWrite);
    let index = 0;
    const writeMore = () => {
      while (index < requests.length) {
        const request = requests[index++]!;
        const line = `${vegetaTargetLine({ method: request.method, url: request.url, ...(request.body === undefined ? {} : { body: request.body }), ...(request.headers ? { headers: request.headers } : {}) })}\n`;
        if (!stream.write(line)) {
          stream.once('drain', writeMore);
          return;
        }
      }
      stream.end(() => resolveWrite());
    };
    writeMore();
  });
}

/** The lifecycle's treasury: every few seconds each bank issues, then recalls, a small amount. */
async function treasuryDuringRun(context: RunContext, stepName: string, stopped: () => boolean, notes: string[]): Promise<void> {
  // Issues need reserves: credit what every issue round of the run could take.
  const rounds = BigInt(Math.ceil(context.options.durationSeconds / (treasuryIntervalMs / 1000)));
  for (const bank of context.system.banks) await creditReserve(context.system, bank, treasuryAmountFen * rounds, `lt-${context.runId}${stepName}-treasury-${bank.operatorId}`);
  let round = 0;
  let settled = 0;
  let failed = 0;
  while (!stopped()) {
    await sleep(treasuryIntervalMs);
    if (stopped()) break;
    const direction = round % 2 === 0 ? 'issue' : 'recall';
    await Promise.all(
      context.system.banks.map(async (bank) => {
        try {
          await issue(context.system, bank, treasuryAmountFen, `lt-${context.runId}${stepName}-t${round}-${bank.operatorId}`, direction);
          settled++;
        } catch (error) {
          failed++;
          if (failed <= 3) notes.push(`treasury ${direction} at ${bank.operatorId} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }),
    );
    round++;
  }
  notes.push(`treasury during the run: ${settled} issues and recalls of ${treasuryAmountFen} fen settled, ${failed} failed`);
}

/** The engine's batches committed during the run: how many, how large. */
async function ledgerBatches(system: SystemAccess, fromMs: number, toMs: number): Promise<LedgerBatchesView> {
  const result = await system.centralDb.query<{ batches: string; commands_mean: string | null; commands_max: number | null }>(
    'select count(*) as batches, avg(command_count) as commands_mean, max(command_count) as commands_max from ledger_batches where committed_at between $1 and $2',
    [new Date(fromMs), new Date(toMs)],
  );
  const row = result.rows[0]!;
  const batches = Number(row.batches);
  return { batches, perSecond: Math.round((batches / Math.max(0.001, (toMs - fromMs) / 1000)) * 10) / 10, commandsMean: Math.round(Number(row.commands_mean ?? 0) * 10) / 10, commandsMax: row.commands_max ?? 0 };
}

/** Settled answers the ledger holds as accepted (the command id is the primary key: at most once). */
async function settledInLedger(system: SystemAccess, ids: readonly string[]): Promise<{ found: number; missing: string[] }> {
  let found = 0;
  const missing: string[] = [];
  const chunk = 10_000;
  for (let from = 0; from < ids.length; from += chunk) {
    const part = ids.slice(from, from + chunk);
    const result = await system.centralDb.query<{ command_id: string }>(`select command_id from ledger_commands where command_id = any($1) and status = 'accepted' and command_type = 'ledger.payment'`, [part]);
    const seen = new Set(result.rows.map((row) => row.command_id));
    found += seen.size;
    for (const id of part) if (!seen.has(id)) missing.push(id);
  }
  return { found, missing };
}

/** Waits for the ledger to decide the lifecycle's loads and unloads; counts the accepted ones. */
async function ledgerRequestsDecided(system: SystemAccess, ids: readonly string[]): Promise<{ accepted: number; rejected: number; undecided: number }> {
  if (ids.length === 0) return { accepted: 0, rejected: 0, undecided: 0 };
  const count = async () => {
    const result = await system.centralDb.query<{ status: string; n: string }>('select status, count(*) as n from ledger_commands where command_id = any($1) group by status', [ids]);
    const by = Object.fromEntries(result.rows.map((row) => [row.status, Number(row.n)]));
    return { accepted: by.accepted ?? 0, rejected: by.rejected ?? 0, undecided: ids.length - (by.accepted ?? 0) - (by.rejected ?? 0) };
  };
  try {
    return await waitFor('the lifecycle loads and unloads to be decided', async () => {
      const now = await count();
      return now.undecided === 0 ? now : null;
    }, decisionsWaitMs);
  } catch {
    return count();
  }
}

function stepPassed(step: StepOutcome, p99MaxMs: number): boolean {
  return step.totals.errors === 0 && step.totals.p99Ms <= p99MaxMs && step.totals.requests > 0;
}

function findMaxStep(step: StepOutcome, p99MaxMs: number): FindMaxStep {
  return { rate: step.rate, durationSeconds: step.durationSeconds, rateAchieved: step.totals.rateAchieved, p99Ms: step.totals.p99Ms, errors: step.totals.errors, passed: stepPassed(step, p99MaxMs) };
}

/**
 * Doubles the rate from --rate-start while short steps pass, bisects between the last passing and
 * the first failing rate down to 10 %, then confirms the best rate for the full duration (stepping
 * down 10 % at a time if the confirmation fails).
 */
async function findMax(context: RunContext): Promise<{ final: StepOutcome | null; all: StepOutcome[]; maxRate: number | null }> {
  const { options } = context;
  const all: StepOutcome[] = [];
  let stepIndex = 0;
  const attempt = async (rate: number, seconds: number): Promise<StepOutcome> => {
    log(`find-max: step ${stepIndex + 1}: ${rate}/s for ${seconds} s`);
    const step = await runStep(context, rate, seconds, `s${stepIndex++}`);
    all.push(step);
    log(`find-max: ${rate}/s ${stepPassed(step, options.p99MaxMs) ? 'passed' : 'failed'} (p99 ${step.totals.p99Ms} ms, ${step.totals.errors} errors)`);
    await sleep(stepPauseMs);
    return step;
  };
  log(`find-max: warming up at ${options.rateStart}/s for ${findMaxWarmupSeconds} s (not judged)`);
  await runStep(context, options.rateStart, findMaxWarmupSeconds, 'warm');
  await sleep(stepPauseMs);
  let passing: number | null = null;
  let failing: number | null = null;
  for (let rate = options.rateStart; ; rate = Math.min(options.rateMax, rate * 2)) {
    if (stepPassed(await attempt(rate, options.stepSeconds), options.p99MaxMs)) passing = rate;
    else {
      failing = rate;
      break;
    }
    if (rate >= options.rateMax) break;
  }
  // The start rate was already too much: halve until a rate holds.
  for (let rate = Math.floor(options.rateStart / 2); passing === null && rate >= 1; rate = Math.floor(rate / 2)) {
    if (stepPassed(await attempt(rate, options.stepSeconds), options.p99MaxMs)) passing = rate;
    else failing = rate;
  }
  if (passing === null) return { final: null, all, maxRate: null };
  while (failing !== null && (failing - passing) / passing > findMaxResolution) {
    const middle = Math.round((passing + failing) / 2);
    if (stepPassed(await attempt(middle, options.stepSeconds), options.p99MaxMs)) passing = middle;
    else failing = middle;
  }
  let candidate = passing;
  for (let confirm = 0; confirm < confirmAttemptsMax; confirm++) {
    const step = await attempt(candidate, options.durationSeconds);
    if (stepPassed(step, options.p99MaxMs)) return { final: step, all, maxRate: candidate };
    candidate = Math.max(1, Math.floor(candidate * 0.9));
  }
  return { final: all[all.length - 1]!, all, maxRate: null };
}

async function main(): Promise<void> {
  const options = parseLoadtestArgs(process.argv.slice(2));
  if (options.help) {
    log(usage);
    return;
  }
  const stackDir = process.env.STACK_DIR ?? join(root, '.stack');
  const vegeta = process.env.VEGETA_BIN ?? 'vegeta';
  const resultsDir = join(root, 'loadtest', 'results');
  const workDir = join(stackDir, 'loadtest-work');
  mkdirSync(resultsDir, { recursive: true });
  mkdirSync(workDir, { recursive: true });
  const command = `npm run loadtest -- ${process.argv.slice(2).join(' ')}`.trim();
  const startedAt = new Date();
  const runId = startedAt.getTime().toString(36);

  const system = await connectSystem(root, stackDir);
  try {
    await ensureOperators(system);
    const durable = await durableCommits(system);
    const limits = await classLimits(system, options.walletClass);
    const info = expectStatus(await http('GET', `${system.centralBankUrl}/v1/central-bank`), [200], 'central bank info');
    const pool = readPool(stackDir, String(info.publicKey));
    const personsFor = (rate: number) => ensureWallets(system, pool, 'person', walletsFor(rate, options.wallets), options.walletClass, log);
    // Refuse a too small --wallets before seeding anything.
    walletsFor(options.findMax ? options.rateMax : options.rate, options.wallets);
    let merchants: PoolWallet[] = [];
    if (options.scenario !== 'retail') {
      // Merchants fill up: one past a quarter of its cap is retired and a fresh one takes its place.
      const current = pool.wallets.filter((w) => w.role === 'merchant' && w.walletClass === options.walletClass && !w.retired);
      if (current.length > 0) {
        const view = await ledgerWallets(system, current);
        for (const wallet of current) if (view.get(wallet.walletId)!.balance > limits.balanceCap / 4n) wallet.retired = true;
        writePool(stackDir, pool);
      }
      merchants = await ensureWallets(system, pool, 'merchant', options.merchants, options.walletClass, log);
    }
    const context: RunContext = { options, system, runId, personsFor, merchants, limits, vegeta, workDir, countersUsed: new Map() };
    log(`${options.scenario}: ${walletsFor(options.findMax ? options.rateStart : options.rate, options.wallets)} paying wallets${merchants.length ? `, ${merchants.length} merchants` : ''}, class ${options.walletClass}; generator ${options.scenario === 'lifecycle' ? 'own open-loop driver' : 'vegeta'}`);

    let step: StepOutcome;
    let findMaxResult: LoadtestResult['findMax'];
    let allSteps: StepOutcome[];
    if (options.findMax) {
      const searched = await findMax(context);
      allSteps = searched.all;
      step = searched.final ?? searched.all[searched.all.length - 1]!;
      findMaxResult = { maxRate: searched.maxRate, steps: searched.all.map((s) => findMaxStep(s, options.p99MaxMs)) };
    } else {
      step = await runStep(context, options.rate, options.durationSeconds, '');
      allSteps = [step];
    }

    log('checking the ledger ...');
    const settledIds = allSteps.flatMap((s) => s.settledIds);
    const ledger = await settledInLedger(system, settledIds);
    const stepLedger = await settledInLedger(system, step.settledIds);
    const decided = await ledgerRequestsDecided(system, step.ledgerRequestIds);
    const invariants = await invariantsHold(system);
    log('measuring the anchor block lag ...');
    const lag = await blockLag(system, step.settledIds, blockLagWaitMs);
    const notes = [...step.notes];
    if (ledger.missing.length > 0) notes.push(`${ledger.missing.length} payments answered settled are not accepted in the ledger, e.g. ${ledger.missing.slice(0, 3).join(', ')}`);
    if (options.scenario === 'lifecycle') notes.push(`lifecycle loads and unloads on the ledger: ${decided.accepted} accepted, ${decided.rejected} rejected, ${decided.undecided} undecided after ${decisionsWaitMs / 1000} s`);
    notes.push(`wallets are class ${options.walletClass} (limits: balance cap ${limits.balanceCap}, daily ${limits.daily} fen); payments are 1..${retailAmountMaxFen} fen, so no class limit binds`);
    if (!durable) notes.push('PostgreSQL was NOT durable during this run (synchronous_commit or fsync off).');
    notes.push(`invariants: ${invariants.detail}`);
    notes.push(
      `anchor block lag (batch committed -> block final; issue 5's target p99 <= 2,000 ms): p50 ${lag.p50Ms} ms, p99 ${lag.p99Ms} ms, max ${lag.maxMs} ms, over ${lag.final} of ${lag.payments} settled payments final within ${blockLagWaitMs / 1000} s of the run's end`,
    );
    const usage = step.usage;
    const passed = stepPassed(step, options.p99MaxMs) && stepLedger.missing.length === 0 && invariants.ok && (findMaxResult ? findMaxResult.maxRate !== null : true);
    const result: LoadtestResult = {
      scenario: options.scenario,
      command,
      startedAt: startedAt.toISOString(),
      rateTarget: step.rate,
      ...resultFromTotals(step.totals),
      durationSeconds: step.durationSeconds,
      invariantsOk: invariants.ok,
      settledInLedger: stepLedger.found,
      settledAnswers: step.settledIds.length,
      settledMissingInLedger: stepLedger.missing.length,
      wallets: step.wallets,
      walletClass: options.walletClass,
      generator: options.scenario === 'lifecycle' ? 'own open-loop driver (node fetch)' : 'vegeta v12.13.0',
      durable,
      cpuSecondsPerProcess: Object.fromEntries(Object.entries(usage).map(([name, u]) => [name, u.cpuSeconds])),
      rssMbPerProcess: Object.fromEntries(Object.entries(usage).map(([name, u]) => [name, u.rssMb])),
      latencySplit: step.split,
      ledgerBatches: step.batches,
      topStatements: step.statements,
      blockLag: lag,
      passed,
      p99MaxMs: options.p99MaxMs,
      ...(findMaxResult ? { findMax: findMaxResult } : {}),
      notes,
    };
    const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
    const base = `${options.scenario}${options.findMax ? '-find-max' : ''}-${stamp}`;
    const json = `${JSON.stringify(result, null, 2)}\n`;
    writeFileSync(join(resultsDir, `${base}.json`), json);
    writeFileSync(join(resultsDir, 'latest.json'), json);
    const html = renderHtmlReport(result);
    writeFileSync(join(resultsDir, `${base}.html`), html);
    writeFileSync(join(resultsDir, 'latest.html'), html);
    upsertBenchmarkSection(root, `loadtest-${options.scenario}${options.findMax ? '-find-max' : ''}`, benchmarkMarkdown(result));
    log(
      `${passed ? 'PASS' : 'FAIL'} ${options.scenario}: target ${result.rateTarget}/s, achieved ${result.rateAchieved}/s, ${result.requests} requests, ${result.errors} errors, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, max ${result.maxMs} ms; settled in ledger ${result.settledInLedger}/${result.settledAnswers}; invariants ${result.invariantsOk ? 'hold' : 'FAILED'}${findMaxResult ? `; max rate ${findMaxResult.maxRate === null ? 'none found' : `${findMaxResult.maxRate}/s`}` : ''}`,
    );
    if (Object.keys(result.errorKinds).length > 0) log(`errors: ${JSON.stringify(result.errorKinds)}`);
    log(`results: loadtest/results/${base}.json, loadtest/results/${base}.html (and latest.*); BENCHMARKS.md updated`);
    process.exitCode = passed ? 0 : 1;
  } finally {
    await system.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof ArgsError ? error.message : error);
    process.exit(error instanceof ArgsError ? 2 : 1);
  });
}
