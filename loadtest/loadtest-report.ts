/**
 * The run's written results: the JSON record (the fields issue 7 names, and what explains them),
 * a self-contained HTML page with inline SVG charts of throughput and latency over time (no
 * script, no CDN: it opens from the file system anywhere), and the BENCHMARKS.md section. Pure.
 */
import type { LatencySplit, RunTotals, SecondSummary } from './latency-stats';

export interface ProcessUsage {
  /** CPU time (user + system) the process spent during the measured run, seconds. */
  readonly cpuSeconds: number;
  /** Largest resident set seen during the run, MiB. */
  readonly rssMb: number;
}

/** The central ledger engine's batches committed during the run. */
/** One statement's share of the database's time during a run (pg_stat_statements). */
export interface StatementTimeView {
  readonly database: string;
  readonly calls: number;
  readonly totalMs: number;
  readonly meanMs: number;
  /** The statement's text, shortened. */
  readonly query: string;
}

/** How long after its batch committed each payment's anchor block became final (issue 5: p99 <= 2 s under the load test). */
export interface BlockLagView {
  /** Payments asked about (those answered settled). */
  readonly payments: number;
  /** Of them, in a final block when measured. */
  readonly final: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface LedgerBatchesView {
  readonly batches: number;
  readonly perSecond: number;
  readonly commandsMean: number;
  readonly commandsMax: number;
}

export interface FindMaxStep {
  readonly rate: number;
  readonly durationSeconds: number;
  readonly rateAchieved: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly passed: boolean;
}

export interface LoadtestResult {
  readonly scenario: string;
  readonly command: string;
  readonly startedAt: string;
  readonly rateTarget: number;
  readonly rateAchieved: number;
  readonly throughputOk: number;
  readonly durationSeconds: number;
  readonly requests: number;
  readonly errors: number;
  readonly errorKinds: Readonly<Record<string, number>>;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
  /** GET /v1/supply on the central bank answered ok with every invariant holding. */
  readonly invariantsOk: boolean;
  /** Payments answered 200 settled that the central ledger holds exactly once, as accepted. */
  readonly settledInLedger: number;
  /** Payments answered 200 settled. */
  readonly settledAnswers: number;
  /** Answered settled but not accepted in the ledger (must be 0). */
  readonly settledMissingInLedger: number;
  readonly wallets: number;
  readonly walletClass: number;
  readonly generator: string;
  readonly durable: boolean;
  readonly cpuSecondsPerProcess: Readonly<Record<string, number>>;
  readonly rssMbPerProcess: Readonly<Record<string, number>>;
  /** Settled payments' latency split at the ledger's commit. */
  readonly latencySplit: LatencySplit;
  readonly ledgerBatches: LedgerBatchesView;
  /** The database statements that took the most time during the run (pg_stat_statements); null when not measured. */
  readonly topStatements?: readonly StatementTimeView[] | null;
  /** The anchor's block lag over the measured step's settled payments (issue 5); absent in results written before it was measured. */
  readonly blockLag?: BlockLagView;
  /** Passed: p99 within the bound, no error, every settled payment in the ledger, invariants hold. */
  readonly passed: boolean;
  readonly p99MaxMs: number;
  readonly findMax?: { readonly maxRate: number | null; readonly steps: readonly FindMaxStep[] };
  readonly notes: readonly string[];
  readonly timeline: readonly SecondSummary[];
}

export function resultFromTotals(totals: RunTotals): Pick<
  LoadtestResult,
  'rateAchieved' | 'throughputOk' | 'requests' | 'errors' | 'errorKinds' | 'p50Ms' | 'p95Ms' | 'p99Ms' | 'maxMs' | 'meanMs' | 'timeline'
> {
  const { rateAchieved, throughputOk, requests, errors, errorKinds, p50Ms, p95Ms, p99Ms, maxMs, meanMs, timeline } = totals;
  return { rateAchieved, throughputOk, requests, errors, errorKinds, p50Ms, p95Ms, p99Ms, maxMs, meanMs, timeline };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

interface Series {
  readonly name: string;
  readonly color: string;
  readonly values: readonly number[];
}

const chartWidth = 760;
const chartHeight = 260;
const margin = { left: 60, right: 20, top: 20, bottom: 36 };

/** A "nice" axis maximum at or above the data's maximum (1, 2 or 5 times a power of ten). */
export function niceMaximum(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

/** One line chart as an SVG element: x is the second of the run, one polyline per series. */
export function lineChartSvg(title: string, unit: string, series: readonly Series[]): string {
  const points = Math.max(1, ...series.map((s) => s.values.length));
  const maximum = niceMaximum(Math.max(0, ...series.flatMap((s) => s.values)));
  const plotWidth = chartWidth - margin.left - margin.right;
  const plotHeight = chartHeight - margin.top - margin.bottom;
  const x = (index: number) => margin.left + (points <= 1 ? 0 : (index / (points - 1)) * plotWidth);
  const y = (value: number) => margin.top + plotHeight - (Math.min(value, maximum) / maximum) * plotHeight;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${chartWidth}" height="${chartHeight}" role="img" aria-label="${escapeHtml(title)}">`);
  parts.push(`<text x="${margin.left}" y="14" font-size="13" font-weight="bold">${escapeHtml(title)}</text>`);
  for (let tick = 0; tick <= 4; tick++) {
    const value = (maximum * tick) / 4;
    const ty = y(value);
    parts.push(`<line x1="${margin.left}" x2="${chartWidth - margin.right}" y1="${ty.toFixed(1)}" y2="${ty.toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${margin.left - 6}" y="${(ty + 4).toFixed(1)}" font-size="11" text-anchor="end">${Number(value.toPrecision(3))}</text>`);
  }
  for (let tick = 0; tick <= 5; tick++) {
    const index = Math.round(((points - 1) * tick) / 5);
    parts.push(`<text x="${x(index).toFixed(1)}" y="${chartHeight - margin.bottom + 16}" font-size="11" text-anchor="middle">${index}</text>`);
  }
  parts.push(`<text x="${margin.left + plotWidth / 2}" y="${chartHeight - 4}" font-size="11" text-anchor="middle">second of the run</text>`);
  parts.push(`<text x="12" y="${margin.top + plotHeight / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${margin.top + plotHeight / 2})">${escapeHtml(unit)}</text>`);
  series.forEach((s, seriesIndex) => {
    const path = s.values.map((value, index) => `${x(index).toFixed(1)},${y(value).toFixed(1)}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1.5" points="${path}"/>`);
    const legendX = margin.left + 10 + seriesIndex * 150;
    parts.push(`<rect x="${legendX}" y="${margin.top + 4}" width="12" height="3" fill="${s.color}"/>`);
    parts.push(`<text x="${legendX + 16}" y="${margin.top + 9}" font-size="11">${escapeHtml(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function table(rows: readonly (readonly [string, string])[]): string {
  return `<table>${rows.map(([name, value]) => `<tr><th>${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`).join('')}</table>`;
}

export function renderHtmlReport(result: LoadtestResult): string {
  const timeline = result.timeline;
  const throughput = lineChartSvg('Throughput', 'requests per second', [
    { name: 'target rate', color: '#999', values: timeline.map(() => result.rateTarget) },
    { name: 'sent', color: '#1f77b4', values: timeline.map((s) => s.sent) },
    { name: 'ok', color: '#2ca02c', values: timeline.map((s) => s.ok) },
    { name: 'errors', color: '#d62728', values: timeline.map((s) => s.errors) },
  ]);
  const latency = lineChartSvg('Latency of the requests sent in each second', 'ms', [
    { name: 'p50', color: '#2ca02c', values: timeline.map((s) => s.p50Ms) },
    { name: 'p99', color: '#ff7f0e', values: timeline.map((s) => s.p99Ms) },
    { name: 'max', color: '#d62728', values: timeline.map((s) => s.maxMs) },
    { name: `p99 bound ${result.p99MaxMs} ms`, color: '#999', values: timeline.map(() => result.p99MaxMs) },
  ]);
  const summary = table([
    ['scenario', result.scenario],
    ['command', result.command],
    ['started at', result.startedAt],
    ['verdict', result.passed ? `PASS (p99 <= ${result.p99MaxMs} ms, 0 errors, ledger and invariants hold)` : 'FAIL'],
    ['rate target / achieved', `${result.rateTarget}/s / ${result.rateAchieved}/s`],
    ['ok throughput', `${result.throughputOk}/s`],
    ['duration', `${result.durationSeconds} s`],
    ['requests / errors', `${result.requests} / ${result.errors}`],
    ['latency p50 / p95 / p99 / max', `${result.p50Ms} / ${result.p95Ms} / ${result.p99Ms} / ${result.maxMs} ms`],
    ['settled answers / in ledger once / missing', `${result.settledAnswers} / ${result.settledInLedger} / ${result.settledMissingInLedger}`],
    ['invariants', result.invariantsOk ? 'hold' : 'FAILED'],
    ['until the ledger commit p50 / p99', `${result.latencySplit.toCommitP50Ms} / ${result.latencySplit.toCommitP99Ms} ms`],
    ['after the commit, until the answer p50 / p99', `${result.latencySplit.afterCommitP50Ms} / ${result.latencySplit.afterCommitP99Ms} ms`],
    ['ledger batches', `${result.ledgerBatches.batches} (${result.ledgerBatches.perSecond}/s), commands per batch mean ${result.ledgerBatches.commandsMean}, max ${result.ledgerBatches.commandsMax}`],
    ['wallets (class)', `${result.wallets} (class ${result.walletClass})`],
    ['generator', result.generator],
    ['durable', result.durable ? 'yes (synchronous_commit = on)' : 'NO'],
  ]);
  const errors = Object.keys(result.errorKinds).length === 0 ? '<p>No errors.</p>' : table(Object.entries(result.errorKinds).map(([kind, count]) => [kind, String(count)]));
  const processes = Object.keys(result.cpuSecondsPerProcess)
    .map((name) => `<tr><th>${escapeHtml(name)}</th><td>${result.cpuSecondsPerProcess[name]}</td><td>${result.rssMbPerProcess[name] ?? ''}</td></tr>`)
    .join('');
  const statements = result.topStatements?.length
    ? `<h2>Database time by statement</h2><table><tr><th>database</th><th>calls</th><th>total ms</th><th>mean ms</th><th>statement</th></tr>${result.topStatements
        .map((s) => `<tr><td>${escapeHtml(s.database)}</td><td>${s.calls}</td><td>${s.totalMs}</td><td>${s.meanMs}</td><td><code>${escapeHtml(s.query)}</code></td></tr>`)
        .join('')}</table>`
    : '';
  const findMax = result.findMax
    ? `<h2>Find max</h2><p>Highest rate holding p99 &lt;= ${result.p99MaxMs} ms with 0 errors: <b>${result.findMax.maxRate === null ? 'none found' : `${result.findMax.maxRate}/s`}</b></p><table><tr><th>rate</th><th>s</th><th>achieved</th><th>p99 ms</th><th>errors</th><th>pass</th></tr>${result.findMax.steps
        .map((s) => `<tr><td>${s.rate}</td><td>${s.durationSeconds}</td><td>${s.rateAchieved}</td><td>${s.p99Ms}</td><td>${s.errors}</td><td>${s.passed ? 'yes' : 'no'}</td></tr>`)
        .join('')}</table>`
    : '';
  const notes = result.notes.length === 0 ? '' : `<h2>Notes</h2><ul>${result.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Load test: ${escapeHtml(result.scenario)} at ${result.rateTarget}/s</title>
<style>body{font-family:system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;font-size:13px}th{background:#f5f5f5}svg{display:block;margin:12px 0;border:1px solid #eee}</style>
</head><body>
<h1>Load test: ${escapeHtml(result.scenario)} at ${result.rateTarget}/s for ${result.durationSeconds} s</h1>
${summary}
${throughput}
${latency}
<h2>Errors</h2>
${errors}
<h2>Processes (CPU seconds during the run, largest RSS MiB)</h2>
<table><tr><th>process</th><th>CPU s</th><th>RSS MiB</th></tr>${processes}</table>${statements}
${findMax}
${notes}
</body></html>
`;
}

/** The BENCHMARKS.md section of a scenario: the latest run's figures and the command. */
export function benchmarkMarkdown(result: LoadtestResult): string {
  const cpu = Object.entries(result.cpuSecondsPerProcess)
    .map(([name, seconds]) => `${name} ${seconds} s`)
    .join(', ');
  const lines = [
    `## Load test: ${result.scenario}${result.findMax ? ' (find max)' : ''}`,
    '',
    `Command: \`${result.command}\` (loadtest/, ${result.generator}; ${result.startedAt}).`,
    '',
    '| rate target | achieved | duration | requests | errors | p50 ms | p95 ms | p99 ms | max ms | settled in ledger | invariants | verdict |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    `| ${result.rateTarget}/s | ${result.rateAchieved}/s | ${result.durationSeconds} s | ${result.requests} | ${result.errors} | ${result.p50Ms} | ${result.p95Ms} | ${result.p99Ms} | ${result.maxMs} | ${result.settledInLedger} of ${result.settledAnswers} | ${result.invariantsOk ? 'hold' : 'FAILED'} | ${result.passed ? 'pass' : 'fail'} |`,
    '',
    `Where the time goes: until the ledger commit p50 ${result.latencySplit.toCommitP50Ms} ms / p99 ${result.latencySplit.toCommitP99Ms} ms, after it until the answer p50 ${result.latencySplit.afterCommitP50Ms} ms / p99 ${result.latencySplit.afterCommitP99Ms} ms; ${result.ledgerBatches.batches} ledger batches (${result.ledgerBatches.perSecond}/s), ${result.ledgerBatches.commandsMean} commands each on average, at most ${result.ledgerBatches.commandsMax}.`,
    '',
    `CPU during the run: ${cpu || 'not measured'}. Wallets: ${result.wallets} (class ${result.walletClass}). ${result.durable ? 'Durable (synchronous_commit = on).' : 'NOT durable.'}`,
  ];
  if (result.topStatements && result.topStatements.length > 0) {
    lines.push('', `Database time by statement (pg_stat_statements, top ${result.topStatements.length}): ${result.topStatements.map((s) => `${s.database} ${s.totalMs} ms in ${s.calls} calls (\`${s.query.slice(0, 60)}…\`)`).join('; ')}.`);
  }
  if (result.findMax) {
    lines.push('', `Highest rate with p99 <= ${result.p99MaxMs} ms and 0 errors: **${result.findMax.maxRate === null ? 'none found' : `${result.findMax.maxRate}/s`}**. Steps: ${result.findMax.steps.map((s) => `${s.rate}/s ${s.passed ? 'pass' : 'fail'} (p99 ${s.p99Ms} ms, ${s.errors} errors)`).join('; ')}.`);
  }
  if (Object.keys(result.errorKinds).length > 0) {
    lines.push('', `Errors: ${Object.entries(result.errorKinds).map(([kind, count]) => `${kind} × ${count}`).join(', ')}.`);
  }
  for (const note of result.notes) lines.push('', note);
  return lines.join('\n');
}
