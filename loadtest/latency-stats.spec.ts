// Proves the run arithmetic: nearest-rank percentiles, the progress histogram within 1 %, and the totals and per-second timeline of a run.
import fc from 'fast-check';
import { histogramPrecision, LatencyHistogram, latencySplit, percentile, ProgressTracker, summarizeOutcomes, type RequestOutcome } from './latency-stats';

describe('percentile', () => {
  it('is the nearest rank: a value that really occurred', () => {
    const values = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 90)).toBe(9);
    expect(percentile(values, 95)).toBe(10);
    expect(percentile(values, 99)).toBe(10);
    expect(percentile(values, 100)).toBe(10);
    expect(percentile(values, 1)).toBe(1);
  });

  it('is 0 for no values and refuses a percent outside (0, 100]', () => {
    expect(percentile([], 99)).toBe(0);
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('has at least p % of the values at or below it, and fewer than p % strictly below it', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e5, noNaN: true }), { minLength: 1, maxLength: 300 }), fc.integer({ min: 1, max: 100 }), (raw, percent) => {
        const sorted = Float64Array.from(raw).sort();
        const value = percentile(sorted, percent);
        const atOrBelow = raw.filter((v) => v <= value).length;
        const below = raw.filter((v) => v < value).length;
        expect(atOrBelow / raw.length).toBeGreaterThanOrEqual(percent / 100);
        expect(below / raw.length).toBeLessThan(percent / 100);
      }),
    );
  });
});

describe('LatencyHistogram', () => {
  it('answers each percentile within its precision above the exact one', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.05, max: 50_000, noNaN: true }), { minLength: 1, maxLength: 500 }), fc.constantFrom(50, 95, 99), (raw, percent) => {
        const histogram = new LatencyHistogram();
        for (const value of raw) histogram.record(value);
        const exact = percentile(Float64Array.from(raw).sort(), percent);
        const approximate = histogram.percentile(percent);
        expect(approximate).toBeGreaterThanOrEqual(exact * (1 - 1e-9));
        expect(approximate).toBeLessThanOrEqual(exact * (1 + histogramPrecision) * (1 + 1e-9));
      }),
    );
  });

  it('counts what it recorded and is 0 when empty', () => {
    const histogram = new LatencyHistogram();
    expect(histogram.percentile(99)).toBe(0);
    histogram.record(3);
    histogram.record(0);
    expect(histogram.count).toBe(2);
  });
});

function outcome(sentAtMs: number, latencyMs: number, ok = true, errorKind?: string): RequestOutcome {
  return { sentAtMs, latencyMs, ok, ...(errorKind ? { errorKind } : {}) };
}

describe('summarizeOutcomes', () => {
  it('totals requests, errors by kind, percentiles and rates', () => {
    const outcomes = [
      outcome(0, 10),
      outcome(100, 20),
      outcome(900, 30),
      outcome(1000, 40, false, 'HTTP 422 INSUFFICIENT_FUNDS'),
      outcome(1500, 50, false, 'timeout'),
      outcome(1600, 60, false, 'timeout'),
    ];
    const totals = summarizeOutcomes(outcomes, 2);
    expect(totals).toMatchObject({ requests: 6, ok: 3, errors: 3, p50Ms: 30, p99Ms: 60, maxMs: 60, meanMs: 35, rateAchieved: 3, throughputOk: 1.5 });
    expect(totals.errorKinds).toEqual({ timeout: 2, 'HTTP 422 INSUFFICIENT_FUNDS': 1 });
    expect(Object.keys(totals.errorKinds)[0]).toBe('timeout');
  });

  it('builds one timeline entry per second of sending, with empty seconds kept', () => {
    const totals = summarizeOutcomes([outcome(0, 5), outcome(500, 7), outcome(2100, 9, false, 'x')], 3);
    expect(totals.timeline).toEqual([
      { second: 0, sent: 2, ok: 2, errors: 0, p50Ms: 5, p99Ms: 7, maxMs: 7 },
      { second: 1, sent: 0, ok: 0, errors: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 },
      { second: 2, sent: 1, ok: 0, errors: 1, p50Ms: 9, p99Ms: 9, maxMs: 9 },
    ]);
  });

  it('measures the achieved rate over the sending span when the generator fell behind the plan', () => {
    const outcomes = Array.from({ length: 10 }, (_, index) => outcome(index * 400, 1));
    expect(summarizeOutcomes(outcomes, 2).rateAchieved).toBe(Math.round((10 / 3.6) * 100) / 100);
  });

  it('counts seconds from the first request sent, not from the generator’s start', () => {
    const totals = summarizeOutcomes([outcome(300, 5), outcome(1250, 5), outcome(1350, 5)], 1);
    expect(totals.timeline.map((s) => s.sent)).toEqual([2, 1]);
  });

  it('is all zeros for an empty run', () => {
    expect(summarizeOutcomes([], 1)).toMatchObject({ requests: 0, errors: 0, p99Ms: 0, maxMs: 0, rateAchieved: 0, timeline: [] });
  });
});

describe('ProgressTracker', () => {
  it('prints the last second’s answers, the p99 so far and the errors, then starts a new second', () => {
    const tracker = new ProgressTracker();
    tracker.record(outcome(0, 10));
    tracker.record(outcome(1, 20, false, 'timeout'));
    const line = tracker.line(1, 3000);
    expect(line).toMatch(/rate +2\/s \(target 3000\/s\)/);
    expect(line).toMatch(/p99 so far 20\.\d ms/);
    expect(line).toMatch(/errors 1$/);
    expect(tracker.line(2, 3000)).toMatch(/rate +0\/s/);
  });
});

describe('latencySplit', () => {
  it('splits each latency at the ledger commit', () => {
    const split = latencySplit([
      { sentAtEpochMs: 1_000, latencyMs: 50, committedAtEpochMs: 1_030 },
      { sentAtEpochMs: 2_000, latencyMs: 10, committedAtEpochMs: 2_004 },
    ]);
    expect(split).toEqual({ payments: 2, toCommitP50Ms: 4, toCommitP99Ms: 30, afterCommitP50Ms: 6, afterCommitP99Ms: 20 });
  });

  it('never answers a negative part when clocks of a few ms disagree', () => {
    expect(latencySplit([{ sentAtEpochMs: 1_000, latencyMs: 5, committedAtEpochMs: 990 }])).toMatchObject({ toCommitP50Ms: 0, afterCommitP50Ms: 5 });
  });
});
