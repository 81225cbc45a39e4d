// Proves the wallet commands of the cbdc command line sign payments with the key file and a counter file beside it that only moves forward, turn a bank's rejection into exit code 1 with the ledger's code, refuse an expired request and a staff call without a key before calling the bank, and sign holder reads.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWalletKeys, formatPaymentRequestUri } from '@cbdc/wallet-sdk';
import type { CliIo } from './cli-command';
import { run } from './cli';

const passphrase = 'a passphrase for tests';
let directory: string;
let server: Server;
let bankUrl: string;
let seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[];
let answer: (body: Record<string, unknown>, response: ServerResponse) => void;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      answer(body === '' ? {} : (JSON.parse(body) as Record<string, unknown>), response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  bankUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'cbdc-wallet-cli-'));
  seen = [];
  answer = (body, response) => json(response, 200, { ...body, status: 'settled', sequence: '9' });
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function cbdc(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; body: Record<string, unknown>; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text), env: { CBDC_PASSPHRASE: passphrase, CBDC_BANK_URL: bankUrl, ...env }, now: () => new Date(), cwd: directory };
  const code = await run([...argv, '--json'], io);
  return { code, body: JSON.parse(stdout) as Record<string, unknown>, stderr };
}

async function newKey(): Promise<string> {
  const created = await cbdc(['keys', 'create', '--out', 'holder.key']);
  expect(created.code).toBe(0);
  return created.body.walletId as string;
}

describe('cbdc wallet commands', () => {
  it('pays with the key file, counting forward in a counter file beside it', async () => {
    const walletId = await newKey();
    const first = await cbdc(['pay', '--key', 'holder.key', '--to', 'w-payee', '--amount', '12.34']);
    expect(first).toMatchObject({ code: 0, body: { status: 'settled', amount: '1234', payerWalletId: walletId, counter: '1' } });
    const second = await cbdc(['pay', '--key', 'holder.key', '--to', 'w-payee', '--amount', '1']);
    expect(second.body).toMatchObject({ amount: '100', counter: '2' });
    expect(seen.map((request) => `${request.method} ${request.url}`)).toEqual(['POST /v1/payments', 'POST /v1/payments']);
    expect(JSON.parse(await readFile(join(directory, 'holder.key.counter'), 'utf8'))).toMatchObject({ lastCounter: '2' });
  });

  it("exits 1 with the ledger's code when the bank rejects a payment", async () => {
    await newKey();
    answer = (body, response) => json(response, 422, { ...body, status: 'rejected', code: 'INSUFFICIENT_FUNDS', message: 'payer balance is below the amount' });
    const refused = await cbdc(['pay', '--key', 'holder.key', '--to', 'w-payee', '--amount', '5']);
    expect(refused).toMatchObject({ code: 1, body: { error: { code: 'INSUFFICIENT_FUNDS' } } });
  });

  it('refuses an expired payment request and a staff call without a key before calling the bank', async () => {
    await newKey();
    const uri = formatPaymentRequestUri({ payeeWalletId: createWalletKeys().walletId, amount: 500n, reference: 'late', expiresAt: new Date(Date.now() - 1_000) });
    expect(await cbdc(['pay-request', 'pay', uri, '--key', 'holder.key'])).toMatchObject({ code: 1, body: { error: { code: 'EXPIRED_REQUEST' } } });
    const noKey = await cbdc(['wallet', 'open', '--key', 'holder.key', '--customer', 'c-1']);
    expect(noKey.code).toBe(2);
    expect((noKey.body.error as { message: string }).message).toContain('CBDC_API_KEY');
    expect((await cbdc(['load', '--amount', '5'], { CBDC_API_KEY: 'k' })).code).toBe(2);
    expect(seen).toHaveLength(0);
  });

  it('opens and loads through staff calls with the API key, and reads the balance signed with the wallet key', async () => {
    const walletId = await newKey();
    answer = (body, response) => json(response, body.loadId ? 202 : 200, body.loadId ? { requestId: body.loadId, walletId, amount: body.amount, status: 'pending', code: null } : { walletId, walletClass: 4, status: 'open', balance: '4200', rejectionCode: null, customerId: 'c-1' });
    expect((await cbdc(['wallet', 'open', '--key', 'holder.key', '--customer', 'c-1'], { CBDC_API_KEY: 'staff-key' })).body).toMatchObject({ walletId, status: 'open' });
    expect(seen[0]!.headers.authorization).toBe('Bearer staff-key');
    expect(JSON.parse(seen[0]!.body)).toMatchObject({ customerId: 'c-1', walletClass: 4 });
    expect((await cbdc(['load', '--key', 'holder.key', '--amount', '2.50', '--load-id', 'l-1'], { CBDC_API_KEY: 'staff-key' })).body).toMatchObject({ requestId: 'l-1', status: 'pending' });
    expect(JSON.parse(seen[1]!.body)).toEqual({ loadId: 'l-1', amount: '250' });
    const balance = await cbdc(['balance', '--key', 'holder.key'], { CBDC_API_KEY: 'staff-key' });
    expect(balance.body).toMatchObject({ walletId, balance: '4200' });
    expect(seen[2]).toMatchObject({ method: 'GET', url: `/v1/holder/wallets/${walletId}/balance` });
    expect(seen[2]!.headers.authorization).toBeUndefined();
    expect(seen[2]!.headers['x-wallet-id']).toBe(walletId);
    expect(seen[2]!.headers['x-wallet-signature']).toMatch(/^[0-9a-f]{128}$/);
  });
});
