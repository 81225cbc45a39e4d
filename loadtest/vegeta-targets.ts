/**
 * The two formats vegeta speaks with the load test: targets in (one JSON object a line, the body
 * base64-encoded, `vegeta attack -format=json`) and results out (`vegeta encode --to json`: one
 * JSON object a line with the status code, the latency in nanoseconds and the answer's body in
 * base64). Pure: tested without vegeta.
 */

export interface HttpTarget {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  /** The JSON body, already serialised. */
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One line of a vegeta JSON targets file (no trailing newline). */
export function vegetaTargetLine(target: HttpTarget): string {
  const header: Record<string, string[]> = {};
  if (target.body !== undefined) header['Content-Type'] = ['application/json'];
  for (const [name, value] of Object.entries(target.headers ?? {})) header[name] = [value];
  const line: { method: string; url: string; body?: string; header?: Record<string, string[]> } = { method: target.method, url: target.url };
  if (target.body !== undefined) line.body = Buffer.from(target.body, 'utf8').toString('base64');
  if (Object.keys(header).length > 0) line.header = header;
  return JSON.stringify(line);
}

/** What the load test needs from one vegeta result line. */
export interface VegetaResult {
  readonly timestampMs: number;
  readonly latencyMs: number;
  /** HTTP status; 0 when no answer came (timeout, refused connection). */
  readonly code: number;
  readonly error: string;
  /** The answer's body as text (empty when none). */
  readonly body: string;
}

/** Parses one `vegeta encode --to json` line; throws on a line that is not one. */
export function parseVegetaResultLine(line: string): VegetaResult {
  const raw = JSON.parse(line) as { code?: unknown; timestamp?: unknown; latency?: unknown; error?: unknown; body?: unknown };
  if (typeof raw.code !== 'number' || typeof raw.timestamp !== 'string' || typeof raw.latency !== 'number') {
    throw new Error(`not a vegeta result line: ${line.slice(0, 200)}`);
  }
  const timestampMs = Date.parse(raw.timestamp);
  if (Number.isNaN(timestampMs)) throw new Error(`vegeta result with a bad timestamp: ${raw.timestamp}`);
  return {
    timestampMs,
    latencyMs: raw.latency / 1e6,
    code: raw.code,
    error: typeof raw.error === 'string' ? raw.error : '',
    body: typeof raw.body === 'string' && raw.body !== '' ? Buffer.from(raw.body, 'base64').toString('utf8') : '',
  };
}

/** The kind of a failed answer for the error table: `HTTP 422 INSUFFICIENT_FUNDS`, `timeout`, ... */
export function errorKindOf(code: number, body: string, transportError: string): string {
  if (code === 0) {
    if (/timeout|deadline exceeded/i.test(transportError)) return 'timeout';
    return `transport: ${transportError.replace(/^.*?: /, '').slice(0, 80) || 'no answer'}`;
  }
  let errorCode = '';
  let status = '';
  try {
    const parsed = JSON.parse(body) as { code?: unknown; status?: unknown };
    if (typeof parsed.code === 'string') errorCode = parsed.code;
    if (typeof parsed.status === 'string') status = parsed.status;
  } catch {
    // Not JSON: the status code alone names the failure.
  }
  return `HTTP ${code}${errorCode ? ` ${errorCode}` : status ? ` ${status}` : ''}`;
}
