// Proves the payments API takes money and counters only as decimal strings and ids the ledger accepts, that the ledger command built from a holder's signature parses and verifies as the engine checks it, and that a signed read binds its method, path and time.
import { ContractError, MessageRegistry, paymentV1, type PaymentV1 } from '@cbdc/contracts';
import { encodePaymentForSigning, fromHex, generateKeyPair, sign, toHex, verify } from '@cbdc/crypto';
import { paymentMessageFromSignature, paymentRequestBodyV1, walletRequestSigningPayload } from './payments-api.v1';

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ContractError) return `${error.code} ${error.path}`;
    throw error;
  }
  return 'parsed';
}

const body = {
  paymentId: 'pay-1',
  payerWalletId: 'w'.padEnd(41, 'a'),
  payeeWalletId: 'w'.padEnd(41, 'b'),
  amount: '1250',
  counter: '7',
  signature: 'ab'.repeat(64),
};

describe('payments API v1', () => {
  it('parses a signed payment with amounts and counters as decimal strings, and nothing else', () => {
    expect(paymentRequestBodyV1(body, '')).toEqual({ ...body, amount: 1250n, counter: 7n });
    expect(paymentRequestBodyV1({ ...body, paymentRequest: 'cbdc:pay?v=1' }, '').paymentRequest).toBe('cbdc:pay?v=1');
    expect(codeOf(() => paymentRequestBodyV1({ ...body, amount: 1250 }, ''))).toBe('MALFORMED amount');
    expect(codeOf(() => paymentRequestBodyV1({ ...body, amount: '0' }, ''))).toBe('MALFORMED amount');
    expect(codeOf(() => paymentRequestBodyV1({ ...body, counter: '0' }, ''))).toBe('MALFORMED counter');
    expect(codeOf(() => paymentRequestBodyV1({ ...body, paymentId: 'x'.repeat(65) }, ''))).toBe('MALFORMED paymentId');
    expect(codeOf(() => paymentRequestBodyV1({ ...body, paymentId: 'has space' }, ''))).toBe('MALFORMED paymentId');
    expect(codeOf(() => paymentRequestBodyV1({ ...body, signature: 'AB'.repeat(64) }, ''))).toBe('MALFORMED signature');
    expect(codeOf(() => paymentRequestBodyV1({ ...body, memo: 'hi' }, ''))).toBe('MALFORMED memo');
  });

  it("forwards the holder's signature unchanged in a ledger command the engine's parser takes and verifies", () => {
    const payer = generateKeyPair();
    const instruction = { paymentId: 'pay-2', payerWalletId: body.payerWalletId, payeeWalletId: body.payeeWalletId, amount: 99n, counter: 3n };
    const signature = toHex(sign(encodePaymentForSigning(instruction), payer.privateKey));
    const message = paymentMessageFromSignature({ commandId: 'pay-2', operatorId: 'bank-a', payerWalletId: body.payerWalletId, payeeWalletId: body.payeeWalletId, amount: 99n, counter: 3n, signature });
    expect(message.key).toBe(`wallet:${body.payerWalletId}`);
    const parsed = new MessageRegistry([paymentV1]).decode(message.value).body as PaymentV1;
    expect(parsed).toMatchObject({ commandId: 'pay-2', operatorId: 'bank-a', amount: 99n, counter: 3n, signature });
    const signed = encodePaymentForSigning({ paymentId: parsed.commandId, payerWalletId: parsed.payerWalletId, payeeWalletId: parsed.payeeWalletId, amount: parsed.amount, counter: parsed.counter });
    expect(verify(fromHex(parsed.signature), signed, payer.publicKey)).toBe(true);
  });

  it('signs a read over its method, exact path and query, and timestamp', () => {
    const payload = walletRequestSigningPayload('get', '/v1/holder/wallets/w1/history?limit=5', 1_796_000_000_000n);
    expect(payload).toEqual(walletRequestSigningPayload('GET', '/v1/holder/wallets/w1/history?limit=5', 1_796_000_000_000n));
    expect(payload).not.toEqual(walletRequestSigningPayload('GET', '/v1/holder/wallets/w1/history?limit=6', 1_796_000_000_000n));
    expect(payload).not.toEqual(walletRequestSigningPayload('POST', '/v1/holder/wallets/w1/history?limit=5', 1_796_000_000_000n));
    expect(payload).not.toEqual(walletRequestSigningPayload('GET', '/v1/holder/wallets/w1/history?limit=5', 1_796_000_000_001n));
  });
});
