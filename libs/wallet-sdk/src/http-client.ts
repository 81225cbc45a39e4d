/**
 * A small typed client for an operator's (or the central bank's) HTTP API. It knows no endpoint:
 * callers name the method and path, so it follows the bank's API as that grows.
 *
 * Conventions it keeps with the servers of this project:
 * - bodies are JSON; a bigint anywhere in a request body is sent as its decimal string (money is
 *   fen as a decimal string on the wire, STYLE.md); responses are returned as parsed JSON, with
 *   amounts still strings, for the caller to parse with the contracts schema it expects;
 * - a failed call answers `{ code, message, ...details }`; the client throws BankApiError with
 *   that code, or a code of its own when there was no such answer: TIMEOUT, UNREACHABLE,
 *   BAD_RESPONSE, or HTTP_<status> for an error without a JSON body;
 * - authentication is a hook: an API key (`authorization: Bearer <key>`), or `authorize`, which
 *   sees the exact request (method, path, body text) and returns headers, so a wallet-signed
 *   scheme can sign what is sent.
 * Every call has a timeout and a bound on the response size.
 */

/** Default time for one call, from sending to the whole response read. */
export const requestTimeoutMsDefault = 10_000;
/** Default bound of a response body, in bytes: history pages and proofs are well below. */
export const responseBytesMaxDefault = 4 * 1024 * 1024;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface OutgoingRequest {
  method: HttpMethod;
  /** Path and query, as sent (starts with "/"). */
  path: string;
  /** The exact body text sent, or '' when there is none. */
  bodyText: string;
}

export interface BankClientOptions {
  /** Like `http://127.0.0.1:3101`; a path prefix is kept (`https://bank.example/api`). */
  baseUrl: string;
  /** Sent as `authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Extra headers for each request, computed from it (a wallet signature, an idempotency key). */
  authorize?: (request: OutgoingRequest) => Record<string, string> | Promise<Record<string, string>>;
  timeoutMs?: number;
  responseBytesMax?: number;
  /** The fetch to use; the global one by default. */
  fetch?: typeof fetch;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** A call that did not succeed: the server's `{ code, message }`, or the client's own code. */
export class BankApiError extends Error {
  override readonly name = 'BankApiError';
  constructor(
    /** HTTP status, or 0 when no response arrived. */
    readonly status: number,
    readonly code: string,
    message: string,
    /** Other fields of the server's error body (a field name, a command id). */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

export class BankClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly responseBytesMax: number;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: BankClientOptions) {
    const url = new URL(options.baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`baseUrl must be http or https, got ${options.baseUrl}`);
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? requestTimeoutMsDefault;
    this.responseBytesMax = options.responseBytesMax ?? responseBytesMaxDefault;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** Sends one request and returns the parsed JSON answer (undefined for an empty 2xx body). */
  async request<T = unknown>(method: HttpMethod, path: string, body?: unknown, requestOptions: RequestOptions = {}): Promise<T> {
    if (!path.startsWith('/')) throw new TypeError(`path must start with "/", got ${path}`);
    const bodyText = body === undefined ? '' : toJson(body);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.options.apiKey !== undefined) headers.authorization = `Bearer ${this.options.apiKey}`;
    if (this.options.authorize) Object.assign(headers, await this.options.authorize({ method, path, bodyText }));
    Object.assign(headers, requestOptions.headers);
    const timeoutMs = requestOptions.timeoutMs ?? this.timeoutMs;
    const signal = AbortSignal.timeout(timeoutMs);
    const described = `${method} ${path}`;
    let text: string;
    let response: Response;
    try {
      response = await this.fetchImpl(this.baseUrl + path, { method, headers, body: body === undefined ? undefined : bodyText, signal });
      text = await readLimited(response, this.responseBytesMax, described);
    } catch (error) {
      if (error instanceof BankApiError) throw error;
      if (signal.aborted) throw new BankApiError(0, 'TIMEOUT', `${described} got no answer within ${timeoutMs} ms`);
      throw new BankApiError(0, 'UNREACHABLE', `${described} failed: ${causeOf(error)}`);
    }
    const parsed = parseJson(text);
    if (!response.ok) {
      if (isErrorBody(parsed)) {
        const { code, message, ...details } = parsed;
        throw new BankApiError(response.status, code, message, details);
      }
      throw new BankApiError(response.status, `HTTP_${response.status}`, `${described} answered ${response.status} ${response.statusText}`.trim());
    }
    if (text === '') return undefined as T;
    if (parsed === invalidJson) throw new BankApiError(response.status, 'BAD_RESPONSE', `${described} answered ${response.status} with a body that is not JSON`);
    return parsed as T;
  }
}

/** JSON text of a value with every bigint as its decimal string. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item));
}

const invalidJson = Symbol('invalid JSON');

function parseJson(text: string): unknown {
  if (text === '') return invalidJson;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return invalidJson;
  }
}

function isErrorBody(value: unknown): value is { code: string; message: string } & Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const body = value as Record<string, unknown>;
  return typeof body.code === 'string' && typeof body.message === 'string';
}

/** The body as text, refusing to buffer more than the bound (the declared length is checked first, then what arrives). */
async function readLimited(response: Response, bytesMax: number, described: string): Promise<string> {
  const tooLarge = () => new BankApiError(response.status, 'BAD_RESPONSE', `${described} answered more than ${bytesMax} bytes`);
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > bytesMax) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > bytesMax) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function causeOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}
