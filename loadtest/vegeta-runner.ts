/**
 * Runs vegeta at a constant arrival rate over a targets file (`vegeta attack | vegeta encode`),
 * reading its results as they come, so the progress line is live and every answer is judged
 * (a 200 only counts when the payment is settled).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { RequestOutcome } from './latency-stats';
import { errorKindOf, parseVegetaResultLine } from './vegeta-targets';

export interface VegetaRun {
  readonly vegeta: string;
  readonly targetsFile: string;
  readonly rate: number;
  readonly durationSeconds: number;
  readonly timeoutSeconds: number;
  /** Called for every answer, in the order vegeta reports them, with the wall-clock send time. */
  readonly onOutcome: (outcome: RequestOutcome, body: string, sentAtEpochMs: number) => void;
  /** The process ids of the generator, for the CPU table. */
  readonly onProcesses?: (pids: { attack: number; encode: number }) => void;
}

/** When the central ledger committed a settled payment (its `settledAt`), ms since 1970; null otherwise. */
export function settledAtMs(code: number, body: string): number | null {
  if (code !== 200) return null;
  try {
    const parsed = JSON.parse(body) as { status?: unknown; settledAt?: unknown };
    if (parsed.status !== 'settled' || typeof parsed.settledAt !== 'string') return null;
    const at = Date.parse(parsed.settledAt);
    return Number.isNaN(at) ? null : at;
  } catch {
    return null;
  }
}

/** Whether an answer is a success: a 200 whose body says the payment settled. */
export function settledPaymentId(code: number, body: string): string | null {
  if (code !== 200) return null;
  try {
    const parsed = JSON.parse(body) as { status?: unknown; paymentId?: unknown };
    return parsed.status === 'settled' && typeof parsed.paymentId === 'string' ? parsed.paymentId : null;
  } catch {
    return null;
  }
}

export async function runVegeta(run: VegetaRun): Promise<void> {
  const attack = spawn(
    run.vegeta,
    [
      'attack',
      '-format=json',
      '-lazy',
      `-targets=${run.targetsFile}`,
      `-rate=${run.rate}/1s`,
      `-duration=${Math.round(run.durationSeconds * 1000)}ms`,
      `-timeout=${Math.round(run.timeoutSeconds * 1000)}ms`,
      // Enough connections that the open loop never waits for a free one.
      '-max-connections=20000',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const encode = spawn(run.vegeta, ['encode', '-to=json'], { stdio: ['pipe', 'pipe', 'pipe'] });
  attack.stdout.pipe(encode.stdin);
  run.onProcesses?.({ attack: attack.pid!, encode: encode.pid! });
  let stderr = '';
  attack.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  encode.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  // Vegeta stamps each result with the wall-clock time the request was sent; the spawn is the start.
  const beganMs = Date.now();
  const lines = createInterface({ input: encode.stdout, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (line.trim() === '') return;
    const result = parseVegetaResultLine(line);
    const ok = settledPaymentId(result.code, result.body) !== null;
    run.onOutcome(
      {
        sentAtMs: Math.max(0, result.timestampMs - beganMs),
        latencyMs: result.latencyMs,
        ok,
        ...(ok ? {} : { errorKind: errorKindOf(result.code, result.body, result.error) }),
      },
      result.body,
      result.timestampMs,
    );
  });
  const exited = (child: ReturnType<typeof spawn>, name: string) =>
    new Promise<void>((resolve, reject) =>
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vegeta ${name} exited with ${code}: ${stderr.trim().slice(-1000)}`)))),
    );
  await Promise.all([exited(attack, 'attack'), exited(encode, 'encode'), new Promise((resolve) => lines.on('close', resolve))]);
}
