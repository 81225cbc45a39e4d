// Proves the written results: a self-contained HTML report with both charts and every figure, nice axis maxima, and the BENCHMARKS.md section with the command.
import { benchmarkMarkdown, lineChartSvg, niceMaximum, renderHtmlReport, type LoadtestResult } from './loadtest-report';

const result: LoadtestResult = {
  scenario: 'retail',
  command: 'npm run loadtest -- --scenario retail --rate 3000 --duration 60s',
  startedAt: '2026-11-29T16:00:00.000Z',
  rateTarget: 3000,
  rateAchieved: 2999.5,
  throughputOk: 2990,
  durationSeconds: 60,
  requests: 180_000,
  errors: 2,
  errorKinds: { 'HTTP 422 INSUFFICIENT_FUNDS': 2 },
  p50Ms: 12.5,
  p95Ms: 40,
  p99Ms: 85,
  maxMs: 300,
  meanMs: 15,
  invariantsOk: true,
  settledInLedger: 179_998,
  settledAnswers: 179_998,
  settledMissingInLedger: 0,
  wallets: 9000,
  walletClass: 3,
  generator: 'vegeta v12.13.0',
  durable: true,
  cpuSecondsPerProcess: { 'central-bank': 40.5, postgresql: 30 },
  rssMbPerProcess: { 'central-bank': 300, postgresql: 900 },
  latencySplit: { payments: 179_998, toCommitP50Ms: 8, toCommitP99Ms: 60, afterCommitP50Ms: 4, afterCommitP99Ms: 25 },
  ledgerBatches: { batches: 6000, perSecond: 100, commandsMean: 30, commandsMax: 400 },
  passed: false,
  p99MaxMs: 100,
  notes: ['a <note> & more'],
  timeline: [
    { second: 0, sent: 3000, ok: 2999, errors: 1, p50Ms: 10, p99Ms: 80, maxMs: 120 },
    { second: 1, sent: 3000, ok: 2999, errors: 1, p50Ms: 11, p99Ms: 90, maxMs: 300 },
  ],
};

describe('niceMaximum', () => {
  it.each([
    [0, 1],
    [0.7, 1],
    [3, 5],
    [3000, 5000],
    [120, 200],
    [100, 100],
  ])('%d -> %d', (value, nice) => {
    expect(niceMaximum(value)).toBe(nice);
  });
});

describe('renderHtmlReport', () => {
  const html = renderHtmlReport(result);

  it('holds both charts as inline SVG and loads nothing from elsewhere', () => {
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain('Throughput');
    expect(html).toContain('Latency');
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!www\.w3\.org)/);
  });

  it('shows the figures, the errors, the processes and escapes text', () => {
    for (const text of ['8 / 60 ms', '4 / 25 ms', 'commands per batch mean 30, max 400', '3000/s', '2999.5/s', '12.5 / 40 / 85 / 300 ms', 'HTTP 422 INSUFFICIENT_FUNDS', 'central-bank', '40.5', 'FAIL']) expect(html).toContain(text);
    expect(html).toContain('a &lt;note&gt; &amp; more');
    expect(html).not.toContain('<note>');
  });
});

describe('lineChartSvg', () => {
  it('draws one polyline per series with one point per second', () => {
    const svg = lineChartSvg('t', 'ms', [
      { name: 'a', color: '#000', values: [1, 2, 3] },
      { name: 'b', color: '#f00', values: [3, 2, 1] },
    ]);
    const lines = svg.match(/<polyline [^>]*points="([^"]*)"/g)!;
    expect(lines).toHaveLength(2);
    expect(lines[0]!.split(' ').filter((part) => /^\d+(\.\d+)?,\d+(\.\d+)?"?\/?>?$/.test(part.replace(/^points="/, '')))).toHaveLength(3);
  });
});

describe('benchmarkMarkdown', () => {
  it('names the command and every headline figure', () => {
    const markdown = benchmarkMarkdown(result);
    expect(markdown).toContain('`npm run loadtest -- --scenario retail --rate 3000 --duration 60s`');
    expect(markdown).toContain('| 3000/s | 2999.5/s | 60 s | 180000 | 2 | 12.5 | 40 | 85 | 300 | 179998 of 179998 | hold | fail |');
    expect(markdown).toContain('HTTP 422 INSUFFICIENT_FUNDS × 2');
    expect(markdown).toContain('Durable');
    expect(markdown).toContain('until the ledger commit p50 8 ms / p99 60 ms');
    expect(markdown).toContain('30 commands each on average, at most 400');
  });

  it('reports the max rate of a find-max run', () => {
    const markdown = benchmarkMarkdown({ ...result, findMax: { maxRate: 2500, steps: [{ rate: 2500, durationSeconds: 60, rateAchieved: 2500, p99Ms: 90, errors: 0, passed: true }] } });
    expect(markdown).toContain('**2500/s**');
    expect(markdown).toContain('(find max)');
    expect(benchmarkMarkdown({ ...result, findMax: { maxRate: null, steps: [] } })).toContain('**none found**');
  });
});
