// Proves the staff commands for wallet upgrades, merchants and the treasury send the bank the bodies its API expects (amounts in fen, client-chosen ids), refuse class 1 without --in-person before calling the bank, and turn the bank's refusal into exit code 1 with its code.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CliIo } from './cli-command';
import { run } from './cli';

let server: Server;
let bankUrl: string;
let seen: { method: string; url: string; headers: IncomingMessage['headers']; body: Record<string, unknown> }[];
let answer: (url: string, body: Record<string, unknown>, response: ServerResponse) => void;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
      seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      answer(request.url ?? '', body, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  bankUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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

async function cbdc(argv: string[], env: Record<string, string> = { CBDC_API_KEY: 'staff-key' }): Promise<{ code: number; body: Record<string, unknown> }> {
  let stdout = '';
  const io: CliIo = { stdout: (text) => void (stdout += text), stderr: () => undefined, env: { CBDC_BANK_URL: bankUrl, ...env }, now: () => new Date(), cwd: process.cwd() };
  const code = await run([...argv, '--json'], io);
  return { code, body: JSON.parse(stdout) as Record<string, unknown> };
}

describe('cbdc staff commands', () => {
  it('upgrades a wallet with its KYC, and asks for in-person verification of class 1', async () => {
    answer = (_url, body, response) => json(response, 202, { ...body, walletId: 'w1', fromClass: 4, toClass: body.walletClass ?? 1, status: 'pending', code: null });
    const upgraded = await cbdc(['wallet', 'upgrade', '--wallet', 'w1', '--class', '3', '--id-number', 'ID42', '--document-expires', '2030-01-31', '--change-id', 'c1']);
    expect(upgraded).toMatchObject({ code: 0, body: { changeId: 'c1', toClass: 3, status: 'pending' } });
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/v1/wallets/w1/class-changes', body: { changeId: 'c1', walletClass: 3, idNumber: 'ID42', documentExpiresOn: '2030-01-31' } });
    expect(seen[0]!.headers.authorization).toBe('Bearer staff-key');

    expect((await cbdc(['wallet', 'upgrade', '--wallet', 'w1', '--class', '1'])).code).toBe(2);
    expect(seen).toHaveLength(1);
    await cbdc(['wallet', 'upgrade', '--wallet', 'w1', '--class', '1', '--in-person', '--change-id', 'c2']);
    expect(seen[1]).toMatchObject({ url: '/v1/wallets/w1/in-person-verifications', body: { changeId: 'c2' } });
  });

  it("creates a merchant's payment request at the bank and prints its URI", async () => {
    answer = (_url, body, response) => json(response, 201, { ...body, uri: 'cbdc:pay?v=1', paymentId: 'pr-00', expiresAt: '2030-01-01T00:00:00.000Z', status: 'open' });
    const created = await cbdc(['merchant', 'request', '--wallet', 'wshop', '--amount', '12.34', '--reference', 'Order 42', '--request-id', 'o42']);
    expect(created).toMatchObject({ code: 0, body: { uri: 'cbdc:pay?v=1', paymentId: 'pr-00' } });
    expect(seen[0]).toMatchObject({ url: '/v1/merchants/wshop/payment-requests', body: { requestId: 'o42', amount: '1234', reference: 'Order 42', expiresInSeconds: 600 } });
  });

  it("asks the treasury for an issue in fen, and exits 1 with the bank's code when refused", async () => {
    answer = (_url, body, response) => json(response, 202, { ...body, direction: 'issue', status: 'requested', code: null });
    expect(await cbdc(['treasury', 'issue', '--amount', '5000', '--request-id', 't1'])).toMatchObject({ code: 0, body: { requestId: 't1', status: 'requested' } });
    expect(seen[0]).toMatchObject({ url: '/v1/treasury/issue', body: { requestId: 't1', amount: '500000' } });
    answer = (_url, _body, response) => json(response, 409, { code: 'TREASURY_REQUEST_IN_FLIGHT', message: 'one at a time' });
    expect(await cbdc(['treasury', 'recall', '--amount', '1'])).toMatchObject({ code: 1, body: { error: { code: 'TREASURY_REQUEST_IN_FLIGHT' } } });
    expect((await cbdc(['treasury', 'show'], {})).code).toBe(2);
  });
});
