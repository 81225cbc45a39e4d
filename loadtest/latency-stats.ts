/**
 * The arithmetic of a run: latency percentiles (nearest rank, so a reported p99 is a latency some
 * request really had), a log-bucket histogram for the live progress line, and the aggregation of
 * every answer into the run's totals and its per-second timeline. Pure: no clock, no I/O.
 */

/** One answered (or failed) request, as the recorder sees it. */
export interface RequestOutcome {
  /** When the request was sent, in ms since the attack began. */
  readonly sentAtMs: number;
  readonly latencyMs: number;
  /** A 200 with the expected status (a settled payment, an accepted request). */
  readonly ok: boolean;
  /** Why it failed: `HTTP 422 INSUFFICIENT_FUNDS`, `timeout`, ...; absent when ok. */
  readonly errorKind?: string;
}

/** The nearest-rank percentile of ascending values: the smallest value with at least p% at or below it. */
export function percentile(sortedAscending: ArrayLike<number>, percent: number): number {
  if (!(percent > 0 && percent <= 100)) throw new RangeError(`percent must be in (0, 100], got ${percent}`);
  const count = sortedAscending.length;
  if (count === 0) return 0;
  const rank = Math.ceil((percent / 100) * count);
  return sortedAscending[Math.min(count, Math.max(1, rank)) - 1]!;
}

/** Relative width of one histogram bucket: a reported value is at most this much above the truth. */
export const histogramPrecision = 0.01;
const histogramFloorMs = 0.01;
const histogramCeilingMs = 600_000;

/**
 * Latencies in buckets growing by 1 %, from 0.01 ms to 10 minutes (about 1,700 counters), so the
 * progress line can say "p99 so far" every second without sorting every latency seen.
 */
export class LatencyHistogram {
  private readonly counts: Uint32Array;
  private total = 0;
  private readonly logBase = Math.log1p(histogramPrecision);

  constructor() {
    this.counts = new Uint32Array(this.bucketOf(histogramCeilingMs) + 1);
  }

  record(latencyMs: number): void {
    this.counts[this.bucketOf(latencyMs)]! += 1;
    this.total++;
  }

  get count(): number {
    return this.total;
  }

  /** The upper bound of the bucket that holds the nearest-rank percentile; 0 when empty. */
  percentile(percent: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil((percent / 100) * this.total));
    let seen = 0;
    for (let bucket = 0; bucket < this.counts.length; bucket++) {
      seen += this.counts[bucket]!;
      if (seen >= rank) return this.upperBoundOf(bucket);
    }
    return histogramCeilingMs;
  }

  private bucketOf(latencyMs: number): number {
    if (!(latencyMs > histogramFloorMs)) return 0;
    const clamped = Math.min(latencyMs, histogramCeilingMs);
    return Math.ceil(Math.log(clamped / histogramFloorMs) / this.logBase);
  }

  private upperBoundOf(bucket: number): number {
    return histogramFloorMs * Math.exp(bucket * this.logBase);
  }
}

/** One second of the run, for the charts. */
export interface SecondSummary {
  readonly second: number;
  /** Requests sent in this second. */
  readonly sent: number;
  readonly ok: number;
  readonly errors: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface RunTotals {
  readonly requests: number;
  readonly ok: number;
  readonly errors: number;
  /** Failures by kind, most frequent first. */
  readonly errorKinds: Readonly<Record<string, number>>;
  /** Requests sent per second, over the time requests were being sent. */
  readonly rateAchieved: number;
  /** Successful answers per second, over the time until the last answer. */
  readonly throughputOk: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
  readonly timeline: readonly SecondSummary[];
}

function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * Totals of a run. `durationSeconds` is the planned attack length: the achieved rate is measured
 * over the span requests were really sent, never shorter than the plan, so a generator that falls
 * behind shows a rate below the target.
 */
export function summarizeOutcomes(outcomes: readonly RequestOutcome[], durationSeconds: number): RunTotals {
  const latencies = new Float64Array(outcomes.length);
  const errorKinds = new Map<string, number>();
  const bySecond = new Map<number, { sent: number; ok: number; errors: number; latencies: number[] }>();
  let ok = 0;
  let lastSentMs = 0;
  let lastAnsweredMs = 0;
  let sum = 0;
  // The first request sent is second 0 (a generator's own start-up is not part of the run).
  let firstSentMs = Infinity;
  for (const outcome of outcomes) firstSentMs = Math.min(firstSentMs, outcome.sentAtMs);
  outcomes.forEach((outcome, index) => {
    const sentAtMs = outcome.sentAtMs - firstSentMs;
    latencies[index] = outcome.latencyMs;
    sum += outcome.latencyMs;
    lastSentMs = Math.max(lastSentMs, sentAtMs);
    lastAnsweredMs = Math.max(lastAnsweredMs, sentAtMs + outcome.latencyMs);
    const second = Math.floor(sentAtMs / 1000);
    let bucket = bySecond.get(second);
    if (!bucket) bySecond.set(second, (bucket = { sent: 0, ok: 0, errors: 0, latencies: [] }));
    bucket.sent++;
    bucket.latencies.push(outcome.latencyMs);
    if (outcome.ok) {
      ok++;
      bucket.ok++;
    } else {
      bucket.errors++;
      const kind = outcome.errorKind ?? 'error';
      errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
    }
  });
  latencies.sort();
  const seconds = bySecond.size === 0 ? 0 : Math.max(...bySecond.keys()) + 1;
  const timeline: SecondSummary[] = [];
  for (let second = 0; second < seconds; second++) {
    const bucket = bySecond.get(second);
    const sorted = Float64Array.from(bucket?.latencies ?? []).sort();
    timeline.push({
      second,
      sent: bucket?.sent ?? 0,
      ok: bucket?.ok ?? 0,
      errors: bucket?.errors ?? 0,
      p50Ms: round(percentile(sorted, 50)),
      p99Ms: round(percentile(sorted, 99)),
      maxMs: round(sorted.length === 0 ? 0 : sorted[sorted.length - 1]!),
    });
  }
  const sendingSeconds = Math.max(durationSeconds, lastSentMs / 1000);
  const answeringSeconds = Math.max(durationSeconds, lastAnsweredMs / 1000);
  return {
    requests: outcomes.length,
    ok,
    errors: outcomes.length - ok,
    errorKinds: Object.fromEntries([...errorKinds.entries()].sort((a, b) => b[1] - a[1])),
    rateAchieved: round(outcomes.length / sendingSeconds),
    throughputOk: round(ok / answeringSeconds),
    p50Ms: round(percentile(latencies, 50)),
    p95Ms: round(percentile(latencies, 95)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(latencies.length === 0 ? 0 : latencies[latencies.length - 1]!),
    meanMs: round(outcomes.length === 0 ? 0 : sum / outcomes.length),
    timeline,
  };
}

/** The live view of a run: fed one outcome at a time, read once a second for the progress line. */
export class ProgressTracker {
  private readonly histogram = new LatencyHistogram();
  private errors = 0;
  private answeredInWindow = 0;

  record(outcome: RequestOutcome): void {
    this.histogram.record(outcome.latencyMs);
    if (!outcome.ok) this.errors++;
    this.answeredInWindow++;
  }

  /** The line for the second just ended; resets the per-second count. */
  line(elapsedSeconds: number, targetRate: number): string {
    const rate = this.answeredInWindow;
    this.answeredInWindow = 0;
    const p99 = this.histogram.percentile(99);
    return `[${elapsedSeconds.toFixed(0).padStart(4)} s] rate ${String(rate).padStart(6)}/s (target ${targetRate}/s)  p99 so far ${p99.toFixed(1)} ms  answers ${this.histogram.count}  errors ${this.errors}`;
  }
}

/**
 * Where a settled payment's time went, split at the ledger's commit (`settledAt`): from sending
 * to the commit (the bank, Kafka, the engine's batch and its PostgreSQL transaction), and from
 * the commit to the answer (the outbox, Kafka back to the bank, the waiting HTTP request).
 */
export interface LatencySplit {
  readonly payments: number;
  readonly toCommitP50Ms: number;
  readonly toCommitP99Ms: number;
  readonly afterCommitP50Ms: number;
  readonly afterCommitP99Ms: number;
}

export function latencySplit(samples: readonly { readonly sentAtEpochMs: number; readonly latencyMs: number; readonly committedAtEpochMs: number }[]): LatencySplit {
  const toCommit = new Float64Array(samples.length);
  const afterCommit = new Float64Array(samples.length);
  samples.forEach((sample, index) => {
    const untilCommit = Math.max(0, sample.committedAtEpochMs - sample.sentAtEpochMs);
    toCommit[index] = untilCommit;
    afterCommit[index] = Math.max(0, sample.latencyMs - untilCommit);
  });
  toCommit.sort();
  afterCommit.sort();
  return {
    payments: samples.length,
    toCommitP50Ms: round(percentile(toCommit, 50)),
    toCommitP99Ms: round(percentile(toCommit, 99)),
    afterCommitP50Ms: round(percentile(afterCommit, 50)),
    afterCommitP99Ms: round(percentile(afterCommit, 99)),
  };
}
