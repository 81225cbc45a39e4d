/**
 * The scripted demo scenario, run against the running system by `npm run demo`. Each step prints
 * what it did; the scenario exits 0 only if every step, and the ledger invariants, hold.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { InvariantReportV1 } from '@cbdc/contracts';
import { expectStatus, lifecycleSteps, type Step } from './demo-lifecycle';
import { parseEnvFile, systemApps } from './system-processes';

const requestTimeoutMs = 15_000;
/** How long the Kafka round trip may keep failing after a cold start before the step fails. */
const kafkaReadyWaitMs = 60_000;
/** How long the audit step waits for the last entries to be sealed and endorsed. */
const anchorSettleWaitMs = 20_000;
/** The compiled `cbdc` command line (demo.ts runs compiled, from dist/scripts). */
const cliPath = resolve(__dirname, '..', 'apps', 'cli', 'src', 'main.js');

async function http(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown, apiKey?: string): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(requestTimeoutMs),
  });
  const text = await response.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: keep the text for the error message.
  }
  return { status: response.status, json };
}

/** The central bank's staff key that `npm start` wrote, checked against the running central bank. */
async function staffKey(stackDir: string, centralBankUrl: string): Promise<string> {
  const info = expectStatus(await http('GET', `${centralBankUrl}/v1/central-bank`), 200, 'central bank info');
  const candidates = readdirSync(stackDir).filter((name) => /^central-bank-api-keys(\.[0-9a-f]{16})?\.json$/.test(name));
  for (const name of candidates) {
    const file = JSON.parse(readFileSync(join(stackDir, name), 'utf8')) as { centralBankPublicKey: string; staff: { key: string } };
    if (file.centralBankPublicKey === info.publicKey) return file.staff.key;
  }
  throw new Error(`no API keys file in ${stackDir} belongs to the running central bank`);
}

/** The compiled `cbdc` with `--json`: its exit status and its one JSON document. */
function runCli(args: readonly string[]): { status: number | null; json: Record<string, unknown> } {
  const result = spawnSync(process.execPath, [cliPath, ...args, '--json'], { encoding: 'utf8', timeout: 60_000 });
  try {
    return { status: result.status, json: JSON.parse(result.stdout) as Record<string, unknown> };
  } catch {
    return { status: result.status, json: { error: { code: 'NOT_JSON', message: (result.stdout + result.stderr).slice(0, 800) } } };
  }
}

/** A bank's staff key, written by the bank at first start (mode 0600). */
function bankStaffKey(stackDir: string, bank: string): string {
  const file = JSON.parse(readFileSync(join(stackDir, `${bank}-api-keys.json`), 'utf8')) as { staff: { key: string } };
  return file.staff.key;
}

export function demoSteps(urls: Record<string, string>, stackDir: string): { steps: Step[]; cleanup: () => void } {
  const apps = systemApps.map((app) => ({ name: app.name, url: urls[app.urlVariable]! }));
  const banks = apps.filter((app) => app.name.startsWith('bank-'));
  const lifecycle = lifecycleSteps({
    http,
    cli: runCli,
    stackDir,
    regulatorUrl: urls.REGULATOR_URL!,
    centralBankUrl: urls.CENTRAL_BANK_URL!,
    centralBankKey: () => staffKey(stackDir, urls.CENTRAL_BANK_URL!),
    banks: banks.map((bank) => ({ ...bank, staffKey: bankStaffKey(stackDir, bank.name) })),
  });
  const infrastructure: Step[] = [
    ...apps.map((app) => ({
      name: `${app.name} is healthy (PostgreSQL, Redis, Kafka reached)`,
      run: async () => {
        const body = expectStatus(await http('GET', `${app.url}/health`), 200, 'health');
        return `status ${String(body.status)}: ${Object.keys((body.info as object) ?? {}).join(', ')}`;
      },
    })),
    ...banks.map((bank) => ({
      name: `${bank.name} <-> central-bank: a message round trip over Kafka`,
      run: async () => {
        // Right after a cold start the Kafka consumers may still be joining their groups (a group
        // waits out the session of a member that left without saying so), so the first pings may
        // time out; the step retries within a bound and reports how many tries it took.
        const deadline = Date.now() + kafkaReadyWaitMs;
        for (let attempt = 1; ; attempt++) {
          const result = await http('POST', `${bank.url}/v1/diagnostics/kafka-ping`, {});
          if (result.status === 200) {
            const body = result.json as Record<string, unknown>;
            return `round trip ${String(body.roundTripMs)} ms${attempt > 1 ? ` (attempt ${attempt}, consumers were still joining)` : ''}`;
          }
          if (Date.now() > deadline) expectStatus(result, 200, 'kafka-ping');
        }
      },
    })),
    ...apps.map((app) => ({
      name: `${app.name}: one BullMQ job enqueued and run`,
      run: async () => {
        const body = expectStatus(await http('POST', `${app.url}/v1/diagnostics/job`, {}), 200, 'job');
        return `job ${String(body.jobId)} done in ${String(body.ms)} ms`;
      },
    })),
    ...banks.map((bank) => ({
      name: `central bank staff register ${bank.name} as an operator with the key it made at first start`,
      run: async () => {
        const centralBank = urls.CENTRAL_BANK_URL!;
        const key = await staffKey(stackDir, centralBank);
        const operator = expectStatus(await http('GET', `${bank.url}/v1/operator`), 200, 'operator key');
        const created = await http(
          'POST',
          `${centralBank}/v1/operators`,
          { operatorId: bank.name, name: bank.name === 'bank-a' ? 'Bank A' : 'Bank B', kind: 'bank', publicKey: operator.publicKey, issueQuotaAuto: '100000000' },
          key,
        );
        if (created.status !== 201 && !(created.status === 409 && (created.json as { code?: string }).code === 'OPERATOR_EXISTS')) {
          throw new Error(`register: HTTP ${created.status} ${JSON.stringify(created.json)}`);
        }
        const registered = expectStatus(await http('GET', `${centralBank}/v1/operators/${bank.name}`, undefined, key), 200, 'operator');
        if (registered.publicKey !== operator.publicKey) throw new Error(`${bank.name} is registered with another key than the one it holds`);
        return created.status === 201 ? 'registered' : 'already registered with the same key';
      },
    })),
    ...banks.map((bank) => ({
      name: `central bank staff credit ${bank.name}'s reserve account (RTGS), idempotent on the credit id`,
      run: async () => {
        const centralBank = urls.CENTRAL_BANK_URL!;
        const key = await staffKey(stackDir, centralBank);
        const body = { creditId: `demo-rtgs-${bank.name}-1`, amount: '1000000000', reference: 'demo opening reserves' };
        const first = await http('POST', `${centralBank}/v1/operators/${bank.name}/reserve-credits`, body, key);
        const again = await http('POST', `${centralBank}/v1/operators/${bank.name}/reserve-credits`, body, key);
        if (first.status !== 201 || again.status !== 201 || JSON.stringify(first.json) !== JSON.stringify(again.json)) {
          throw new Error(`reserve credit: ${first.status} ${JSON.stringify(first.json)} / repeat ${again.status} ${JSON.stringify(again.json)}`);
        }
        const operator = expectStatus(await http('GET', `${centralBank}/v1/operators/${bank.name}`, undefined, key), 200, 'operator');
        return `reserve ${String(operator.reserve)} fen; the repeat got the same answer`;
      },
    })),
  ];
  const closing: Step[] = [
    {
      name: 'central bank: the supply report and every ledger invariant hold',
      run: async () => {
        const centralBank = urls.CENTRAL_BANK_URL!;
        const key = await staffKey(stackDir, centralBank);
        const supply = expectStatus(await http('GET', `${centralBank}/v1/supply`, undefined, key), 200, 'supply');
        const invariants = supply.invariants as InvariantReportV1[];
        const failed = invariants.filter((i) => i.status === 'failed');
        if (failed.length > 0 || supply.ok !== true) throw new Error(`invariants failed: ${JSON.stringify(failed)}`);
        return `outstanding ${String(supply.outstanding)} fen; ${invariants.map((i) => `invariant ${i.invariant}: ${i.status}`).join(', ')}`;
      },
    },
    ...[
      { name: 'the central bank', variable: 'DATABASE_URL_CENTRAL_BANK' },
      ...banks.map((bank) => ({ name: `${bank.name}'s replica`, variable: `DATABASE_URL_${bank.name.replace('-', '_').toUpperCase()}` })),
    ].map((chain) => ({
      name: `cbdc audit verify on ${chain.name}'s chain, with the keys each party publishes (exit 0)`,
      run: async () => {
        // The keys come from the parties themselves, not from the database under audit.
        const centralBank = expectStatus(await http('GET', `${urls.CENTRAL_BANK_URL!}/v1/central-bank`), 200, 'central bank key');
        const operatorKeys: string[] = [];
        for (const bank of banks) {
          const operator = expectStatus(await http('GET', `${bank.url}/v1/operator`), 200, 'operator key');
          operatorKeys.push('--operator-key', `${bank.name}=${String(operator.publicKey)}`);
        }
        const args = ['audit', 'verify', '--database-url', urls[chain.variable]!, '--central-bank-key', String(centralBank.publicKey), ...operatorKeys];
        // The last entries are sealed within the block interval and endorsed moments later.
        const deadline = Date.now() + anchorSettleWaitMs;
        for (;;) {
          const result = runCli(args);
          const report = result.json as { ok?: boolean; blocks?: number; pendingTail?: number; unsealedEntries?: number; entriesRecomputed?: number };
          const settled = report.pendingTail === 0 && (chain.variable !== 'DATABASE_URL_CENTRAL_BANK' || report.unsealedEntries === 0);
          if (result.status === 0 && report.ok === true && (settled || Date.now() > deadline)) {
            return `exit 0: ${String(report.blocks)} blocks, ${String(report.entriesRecomputed)} entries recomputed, ${String(report.pendingTail)} awaiting endorsement, ${String(report.unsealedEntries ?? 0)} not sealed yet`;
          }
          if (result.status !== 0 || Date.now() > deadline) throw new Error(`exit ${String(result.status)}: ${JSON.stringify(result.json).slice(0, 800)}`);
          await new Promise((resolveWait) => setTimeout(resolveWait, 500));
        }
      },
    })),
  ];
  return { steps: [...infrastructure, ...lifecycle.steps, ...closing], cleanup: lifecycle.cleanup };
}

async function main(): Promise<void> {
  const root = resolve(__dirname, '..', '..');
  const stackDir = process.env.STACK_DIR ?? join(root, '.stack');
  const env = parseEnvFile(readFileSync(join(stackDir, 'env'), 'utf8'));
  let failed = 0;
  let failedAt = 0;
  const { steps, cleanup } = demoSteps(env, stackDir);
  for (const [index, step] of steps.entries()) {
    // The scenario is a story: once a step fails, the ones after it would only fail for that reason.
    if (failed > 0) {
      console.log(`skip  ${index + 1}. ${step.name}`);
      continue;
    }
    const began = Date.now();
    try {
      const detail = await step.run();
      console.log(`  ok  ${index + 1}. ${step.name} — ${detail} (${Date.now() - began} ms)`);
    } catch (error) {
      failed++;
      failedAt = index + 1;
      console.log(`FAIL  ${index + 1}. ${step.name} — ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  cleanup();
  console.log(failed === 0 ? `demo: all ${steps.length} steps hold` : `demo: step ${failedAt} of ${steps.length} failed; the steps after it were skipped`);
  process.exit(failed === 0 ? 0 : 1);
}

if (require.main === module) void main();
