// Proves the bank client sends JSON with bigints as decimal strings and its auth headers, returns parsed answers, and turns every kind of failure (server error body, bare status, timeout, unreachable, oversized or non-JSON answer) into a BankApiError with a stable code.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BankApiError, BankClient } from './http-client';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let baseUrl: string;
let seen: Seen[];
let respond: (request: Seen, response: ServerResponse) => void;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(entry);
      respond(entry, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  seen = [];
});

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function failure(action: Promise<unknown>): Promise<BankApiError> {
  try {
    await action;
  } catch (error) {
    if (error instanceof BankApiError) return error;
    throw error;
  }
  throw new Error('the call succeeded');
}

describe('BankClient', () => {
  it('sends JSON with bigints as strings, the API key and hook headers, and returns the answer', async () => {
    respond = (request, response) => json(response, 201, { echoed: JSON.parse(request.body), balance: '92233720368547758' });
    const client = new BankClient({
      baseUrl: `${baseUrl}/`,
      apiKey: 'key-123',
      authorize: ({ method, path, bodyText }) => ({ 'x-wallet-signature': `${method} ${path} ${bodyText.length}` }),
    });
    const answer = await client.request<{ echoed: unknown; balance: string }>('POST', '/wallets/w1/payments?dry=1', { amount: 2n ** 63n - 1n, counter: 3n, note: 'x' });
    expect(answer).toEqual({ echoed: { amount: '9223372036854775807', counter: '3', note: 'x' }, balance: '92233720368547758' });
    const [request] = seen;
    expect(request!.method).toBe('POST');
    expect(request!.url).toBe('/wallets/w1/payments?dry=1');
    expect(request!.headers.authorization).toBe('Bearer key-123');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['x-wallet-signature']).toBe(`POST /wallets/w1/payments?dry=1 ${request!.body.length}`);
  });

  it('sends no body on a GET and returns undefined for an empty answer', async () => {
    respond = (_request, response) => response.writeHead(204).end();
    expect(await new BankClient({ baseUrl }).request('GET', '/health')).toBeUndefined();
    expect(seen[0]!.body).toBe('');
    expect(seen[0]!.headers['content-type']).toBeUndefined();
  });

  it("carries the server's code, message and details", async () => {
    respond = (_request, response) => json(response, 422, { code: 'INSUFFICIENT_FUNDS', message: 'balance 5 is below 10', commandId: 'pay-1' });
    const error = await failure(new BankClient({ baseUrl }).request('POST', '/payments', {}));
    expect(error).toMatchObject({ status: 422, code: 'INSUFFICIENT_FUNDS', message: 'balance 5 is below 10', details: { commandId: 'pay-1' } });
  });

  it('names a bare error status', async () => {
    respond = (_request, response) => response.writeHead(502, 'Bad Gateway').end('<html>proxy</html>');
    expect(await failure(new BankClient({ baseUrl }).request('GET', '/x'))).toMatchObject({ status: 502, code: 'HTTP_502' });
  });

  it('refuses a success answer that is not JSON, or larger than the bound', async () => {
    respond = (_request, response) => response.writeHead(200).end('not json');
    expect(await failure(new BankClient({ baseUrl }).request('GET', '/x'))).toMatchObject({ status: 200, code: 'BAD_RESPONSE' });
    respond = (_request, response) => json(response, 200, { data: 'x'.repeat(5000) });
    expect(await failure(new BankClient({ baseUrl, responseBytesMax: 1000 }).request('GET', '/x'))).toMatchObject({ code: 'BAD_RESPONSE' });
    // Without a declared length, the bound applies to what arrives.
    respond = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('"');
      response.end(`${'y'.repeat(5000)}"`);
    };
    expect(await failure(new BankClient({ baseUrl, responseBytesMax: 1000 }).request('GET', '/x'))).toMatchObject({ code: 'BAD_RESPONSE' });
  });

  it('gives up after the timeout', async () => {
    respond = () => undefined;
    const started = Date.now();
    const error = await failure(new BankClient({ baseUrl, timeoutMs: 100 }).request('GET', '/slow'));
    expect(error).toMatchObject({ status: 0, code: 'TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('reports a bank that does not answer at all', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await failure(new BankClient({ baseUrl: `http://127.0.0.1:${port}` }).request('GET', '/x'))).toMatchObject({ status: 0, code: 'UNREACHABLE' });
  });

  it('refuses a base URL that is not http and a path without a leading slash', async () => {
    expect(() => new BankClient({ baseUrl: 'ftp://bank' })).toThrow(TypeError);
    await expect(new BankClient({ baseUrl }).request('GET', 'x')).rejects.toThrow(TypeError);
  });
});
