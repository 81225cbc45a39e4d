// Proves the bank API client signs payments with the holder's key and a fresh counter, pays a request URI with its derived id and refuses an expired one before signing, and signs holder reads over the exact path the bank sees (prefix included) without sending the staff key.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { walletRequestSigningPayload } from '@cbdc/contracts';
import { encodePaymentForSigning, fromHex, verify } from '@cbdc/crypto';
import { BankApi, walletRequestHeaders } from './bank-api';
import { InMemoryCounterStore } from './counter-store';
import { formatPaymentRequestUri, paymentIdForRequest } from './payment-request-uri';
import { createWalletKeys } from './wallet-keys';
import { WalletSdkError } from './wallet-sdk-error';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let baseUrl: string;
let seen: Seen[];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      const parsed = body === '' ? {} : (JSON.parse(body) as Record<string, unknown>);
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...parsed, status: 'settled' }));
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

describe('BankApi', () => {
  const holder = createWalletKeys();
  const payee = createWalletKeys();

  it("signs a payment with the holder's key over what the ledger verifies, with the next counter", async () => {
    const counters = new InMemoryCounterStore(41n);
    const api = new BankApi({ baseUrl });
    await api.pay(holder, counters, { payeeWalletId: payee.walletId, amount: 1_250n, paymentId: 'pay-x', respondAsync: true });
    const sent = JSON.parse(seen[0]!.body) as Record<string, string>;
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/v1/payments' });
    expect(seen[0]!.headers.prefer).toBe('respond-async');
    expect(sent).toMatchObject({ paymentId: 'pay-x', payerWalletId: holder.walletId, payeeWalletId: payee.walletId, amount: '1250', counter: '42' });
    const signed = encodePaymentForSigning({ paymentId: 'pay-x', payerWalletId: holder.walletId, payeeWalletId: payee.walletId, amount: 1_250n, counter: 42n });
    expect(verify(fromHex(sent.signature!), signed, holder.publicKey)).toBe(true);
    expect(await counters.lastCounter()).toBe(42n);
  });

  it('pays a request URI with the id derived from it, and refuses an expired one before signing', async () => {
    const counters = new InMemoryCounterStore();
    const api = new BankApi({ baseUrl });
    const uri = formatPaymentRequestUri({ payeeWalletId: payee.walletId, amount: 99n, reference: 'order 7', expiresAt: new Date(Date.now() + 60_000) });
    await api.payRequest(holder, counters, uri);
    expect(JSON.parse(seen[0]!.body)).toMatchObject({ paymentId: paymentIdForRequest(uri), amount: '99', payeeWalletId: payee.walletId, paymentRequest: uri });
    const expired = formatPaymentRequestUri({ payeeWalletId: payee.walletId, amount: 99n, reference: 'old', expiresAt: new Date(Date.now() - 1_000) });
    await expect(api.payRequest(holder, counters, expired)).rejects.toThrow(WalletSdkError);
    expect(seen).toHaveLength(1);
    expect(await counters.lastCounter()).toBe(1n);
  });

  it('signs holder reads over the full path the bank sees, and never sends the staff key with them', async () => {
    const api = new BankApi({ baseUrl: `${baseUrl}/bank/`, apiKey: 'staff-key' });
    await api.history(holder, 5);
    const request = seen[0]!;
    expect(request.url).toBe(`/bank/v1/holder/wallets/${holder.walletId}/history?limit=5`);
    expect(request.headers.authorization).toBeUndefined();
    expect(request.headers['x-wallet-id']).toBe(holder.walletId);
    const timestamp = BigInt(request.headers['x-wallet-timestamp'] as string);
    expect(Number(timestamp)).toBeGreaterThan(Date.now() - 10_000);
    const payload = walletRequestSigningPayload('GET', request.url, timestamp);
    expect(verify(fromHex(request.headers['x-wallet-signature'] as string), payload, holder.publicKey)).toBe(true);
    const headers = walletRequestHeaders(holder, { method: 'GET', path: '/v1/x' }, new Date(1_796_000_000_000));
    expect(headers['x-wallet-timestamp']).toBe('1796000000000');
    expect(verify(fromHex(headers['x-wallet-signature']!), walletRequestSigningPayload('GET', '/v1/y', 1_796_000_000_000n), holder.publicKey)).toBe(false);
  });
});
