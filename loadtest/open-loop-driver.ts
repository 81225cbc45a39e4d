/**
 * The project's own open-loop generator, for scenarios vegeta cannot judge alone (the lifecycle
 * mixes payments, staff loads and unloads, each with its own notion of success). Request i is
 * due at i / rate seconds after the start whether or not earlier ones were answered (open loop),
 * and its latency counts from when it was due, not from when it was sent, so a generator that
 * falls behind shows up as latency instead of hiding it (no coordinated omission).
 */
import type { RequestOutcome } from './latency-stats';
import type { HttpTarget } from './vegeta-targets';
import { errorKindOf } from './vegeta-targets';

export interface OpenLoopRequest extends HttpTarget {
  /** Whether the answer is a success for this kind of request. */
  readonly isOk: (status: number, body: string) => boolean;
}

export interface OpenLoopRun {
  readonly requests: readonly OpenLoopRequest[];
  readonly rate: number;
  readonly timeoutSeconds: number;
  readonly onOutcome: (outcome: RequestOutcome, request: OpenLoopRequest, body: string, sentAtEpochMs: number) => void;
}

/** The scheduler wakes at least this often to send what has become due. */
const tickMs = 2;

export async function runOpenLoop(run: OpenLoopRun): Promise<void> {
  const began = performance.now();
  const beganEpochMs = Date.now();
  let sent = 0;
  const inFlight = new Set<Promise<void>>();
  const fire = (index: number) => {
    const request = run.requests[index]!;
    const dueAtMs = (index / run.rate) * 1000;
    const headers: Record<string, string> = { ...(request.headers ?? {}) };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const done = (async () => {
      let status = 0;
      let body = '';
      let transportError = '';
      try {
        const response = await fetch(request.url, { method: request.method, headers, body: request.body, signal: AbortSignal.timeout(run.timeoutSeconds * 1000) });
        status = response.status;
        body = await response.text();
      } catch (error) {
        transportError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      const latencyMs = performance.now() - began - dueAtMs;
      const ok = status !== 0 && request.isOk(status, body);
      run.onOutcome({ sentAtMs: dueAtMs, latencyMs, ok, ...(ok ? {} : { errorKind: errorKindOf(status, body, transportError) }) }, request, body, beganEpochMs + dueAtMs);
    })();
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  };
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(run.requests.length, Math.floor(((performance.now() - began) / 1000) * run.rate) + 1);
      while (sent < due) fire(sent++);
      if (sent >= run.requests.length) resolve();
      else setTimeout(tick, tickMs);
    };
    tick();
  });
  await Promise.all([...inFlight]);
}
