// Proves signed payments and unloads carry a signature that OpenSSL verifies over exactly the ledger's canonical encoding, with amounts as decimal strings, and that malformed instructions are refused before signing.
import { paymentV1, unloadV1 } from '@cbdc/contracts';
import { encodePaymentForSigning, encodeUnloadForSigning, fromHex, signFast, verifyFast } from '@cbdc/crypto';
import { newCommandId, signPayment, signUnload } from './signed-instructions';
import { createWalletKeys } from './wallet-keys';
import { WalletSdkError } from './wallet-sdk-error';

const payer = createWalletKeys();
const payee = createWalletKeys();

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof WalletSdkError) return error.code;
    throw error;
  }
  return undefined;
}

describe('signPayment', () => {
  const instruction = { paymentId: 'pay-0001', payerWalletId: payer.walletId, payeeWalletId: payee.walletId, amount: 12_345n, counter: 7n };

  it('signs the exact encoding the ledger verifies', () => {
    const body = signPayment(instruction, payer.privateKey);
    expect(body).toEqual({ ...instruction, amount: '12345', counter: '7', signature: body.signature });
    expect(verifyFast(fromHex(body.signature), encodePaymentForSigning(instruction), payer.publicKey)).toBe(true);
    // Any other amount, counter or payee gives other bytes, which the signature does not cover.
    expect(verifyFast(fromHex(body.signature), encodePaymentForSigning({ ...instruction, amount: 12_346n }), payer.publicKey)).toBe(false);
    expect(verifyFast(fromHex(body.signature), encodePaymentForSigning({ ...instruction, counter: 8n }), payer.publicKey)).toBe(false);
    expect(verifyFast(fromHex(body.signature), encodePaymentForSigning({ ...instruction, payeeWalletId: payer.walletId }), payer.publicKey)).toBe(false);
    expect(verifyFast(fromHex(body.signature), encodePaymentForSigning(instruction), payee.publicKey)).toBe(false);
  });

  it('gives the same signature with the OpenSSL signer, and a body the ledger message schema accepts', () => {
    const noble = signPayment(instruction, payer.privateKey);
    const openssl = signPayment(instruction, payer.privateKey, signFast);
    expect(openssl.signature).toBe(noble.signature);
    const { paymentId, ...rest } = noble;
    const parsed = paymentV1.parse(JSON.parse(JSON.stringify({ type: paymentV1.type, version: 1, commandId: paymentId, operatorId: 'bank-a', ...rest })), '');
    expect(parsed).toMatchObject({ commandId: paymentId, amount: 12_345n, counter: 7n, signature: noble.signature });
  });

  it('keeps amounts beyond 2^53 exact', () => {
    const amount = 2n ** 63n - 1n;
    const body = signPayment({ ...instruction, amount }, payer.privateKey);
    expect(body.amount).toBe('9223372036854775807');
    expect(verifyFast(fromHex(body.signature), encodePaymentForSigning({ ...instruction, amount }), payer.publicKey)).toBe(true);
  });

  it.each([
    ['a zero amount', { amount: 0n }],
    ['a negative amount', { amount: -1n }],
    ['an amount above 2^63-1', { amount: 2n ** 63n }],
    ['a zero counter', { counter: 0n }],
    ['an empty payment id', { paymentId: '' }],
    ['a payment id with spaces', { paymentId: 'pay 1' }],
    ['a payment id of 129 characters', { paymentId: 'p'.repeat(129) }],
    ['a number amount', { amount: 5 as unknown as bigint }],
  ])('refuses %s', (_name, change) => {
    expect(codeOf(() => signPayment({ ...instruction, ...change }, payer.privateKey))).toBe('BAD_INSTRUCTION');
  });
});

describe('signUnload', () => {
  it('signs the exact unload encoding, under the field name the ledger message uses', () => {
    const instruction = { commandId: 'unload-0001', operatorId: 'bank-a', walletId: payer.walletId, amount: 5_000n, counter: 2n };
    const body = signUnload(instruction, payer.privateKey);
    expect(body).toEqual({ ...instruction, amount: '5000', counter: '2', walletSignature: body.walletSignature });
    expect(verifyFast(fromHex(body.walletSignature), encodeUnloadForSigning(instruction), payer.publicKey)).toBe(true);
    // An unload signature is never a payment signature: the domain tags differ.
    const asPayment = encodePaymentForSigning({ paymentId: 'unload-0001', payerWalletId: payer.walletId, payeeWalletId: 'bank-a', amount: 5_000n, counter: 2n });
    expect(verifyFast(fromHex(body.walletSignature), asPayment, payer.publicKey)).toBe(false);
    // The bank adds its own signature; the rest of the body is what the ledger message carries.
    const parsed = unloadV1.parse({ type: unloadV1.type, version: 1, ...body, signature: 'ab'.repeat(64) }, '');
    expect(parsed).toMatchObject({ walletId: payer.walletId, amount: 5_000n, counter: 2n, walletSignature: body.walletSignature });
    expect(codeOf(() => signUnload({ ...instruction, operatorId: '' }, payer.privateKey))).toBe('BAD_INSTRUCTION');
  });
});

describe('newCommandId', () => {
  it('is unique and fits the ledger id rules', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newCommandId('pay')));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^pay-[0-9a-f-]{36}$/);
  });
});
