// Pins the exact bytes and Ed25519 signatures of payment, unload and operator-command payloads, and proves their domain separation and refusals.
import { fromHex, toHex } from './bytes';
import { CanonicalEncodingError } from './canonical-encoding';
import { publicKeyFromPrivateKey, sign, signFast, verifyFast } from './ed25519';
import { encodeOperatorCommandForSigning, encodePaymentForSigning, encodeUnloadForSigning, PaymentInstruction, signedIdBytesMax, UnloadInstruction } from './signing-payloads';

// A fixed key (RFC 8032 test 1) so the signatures below are fixed: Ed25519 is deterministic.
const privateKey = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
const publicKey = publicKeyFromPrivateKey(privateKey);
const payer = 'weh7ddx5bksrgcytl7bkai36se4nxx3kl';
const payee = 'whh3rhufgiqst6bcssqq3t5i3tmejphii';

const payment: PaymentInstruction = { paymentId: 'pay-0001', payerWalletId: payer, payeeWalletId: payee, amount: 12_345n, counter: 7n };
const unload: UnloadInstruction = { operatorId: 'bank-a', walletId: payer, amount: 50_000n, counter: 8n, commandId: 'unload-0001' };
const operatorFields = { operatorId: 'bank-a', amount: 100_000_000n, urgent: false, attempt: 1 };

/** Length-prefixed UTF-8, as the format says; built here independently of the writer. */
function lengthPrefixed(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length.toString(16).padStart(8, '0') + bytes.toString('hex');
}
function u64(value: bigint): string {
  return value.toString(16).padStart(16, '0');
}

describe('test vectors (a change here is a protocol change: bump the domain tag instead)', () => {
  it('payment v1', () => {
    const bytes = encodePaymentForSigning(payment);
    const expectedHex =
      '0000000f636264632f7061796d656e742f7631000000087061792d30303031000000217765683764647835626b7372676379746c37626b616933367365346e7878336b6c' +
      '0000002177686833726875666769717374366263737371713374356933746d656a7068696900000000000030390000000000000007';
    expect(toHex(bytes)).toBe(expectedHex);
    expect(expectedHex).toBe(lengthPrefixed('cbdc/payment/v1') + lengthPrefixed('pay-0001') + lengthPrefixed(payer) + lengthPrefixed(payee) + u64(12_345n) + u64(7n));
    const signature = 'de75f69e84534555372999d58174c386d05262faa28eda967e375cd6e9f91b8d4ea23099f008d1ad3e419cb8a59a4654585bd83e3974a6440f6edad669613106';
    expect(toHex(sign(bytes, privateKey))).toBe(signature);
    expect(toHex(signFast(bytes, privateKey))).toBe(signature);
  });

  it('unload v1', () => {
    const bytes = encodeUnloadForSigning(unload);
    const expectedHex =
      '0000000e636264632f756e6c6f61642f76310000000662616e6b2d61000000217765683764647835626b7372676379746c37626b616933367365346e7878336b6c' +
      '000000000000c35000000000000000080000000b756e6c6f61642d30303031';
    expect(toHex(bytes)).toBe(expectedHex);
    expect(expectedHex).toBe(lengthPrefixed('cbdc/unload/v1') + lengthPrefixed('bank-a') + lengthPrefixed(payer) + u64(50_000n) + u64(8n) + lengthPrefixed('unload-0001'));
    expect(toHex(sign(bytes, privateKey))).toBe(
      'cbe53a286a956e517ecc09b6ed4828f92877d7f42ac8b1bfceb0ae120b1c1cb523a60725a82ce15109f87b492fc428eccb4b283d7dbad3ad97cd71b20d9ee803',
    );
  });

  it('operator command v1 (keys sorted: amount, attempt, operatorId, urgent)', () => {
    const bytes = encodeOperatorCommandForSigning('issue', operatorFields);
    const expectedHex =
      '00000018636264632f6f70657261746f722d636f6d6d616e642f763100000005697373756500000004' +
      '00000006616d6f756e74020000000005f5e100' +
      '00000007617474656d7074020000000000000001' +
      '0000000a6f70657261746f724964010000000662616e6b2d61' +
      '00000006757267656e740300';
    expect(toHex(bytes)).toBe(expectedHex);
    expect(toHex(sign(bytes, privateKey))).toBe(
      'f9b6a2cab36e5554bfb4a010f2aaa3215907bc5121852e91080b7d1e2ef810aa9f4c7c8f1f4568829cac06852a4aa3e1bc91ac996663f78d8628b12f4c79a609',
    );
  });
});

describe('binding and domain separation', () => {
  const paymentSignature = sign(encodePaymentForSigning(payment), privateKey);

  it.each([
    ['amount', { amount: 12_346n }],
    ['counter', { counter: 8n }],
    ['payee', { payeeWalletId: payer }],
    ['payment id', { paymentId: 'pay-0002' }],
  ])('a payment signature does not cover a changed %s', (_field, change) => {
    expect(verifyFast(paymentSignature, encodePaymentForSigning({ ...payment, ...change }), publicKey)).toBe(false);
  });

  it('gives each payload kind its own tag, so no signature crosses kinds', () => {
    const payloads = [encodePaymentForSigning(payment), encodeUnloadForSigning(unload), encodeOperatorCommandForSigning('payment', { ...payment })];
    const prefixes = payloads.map((bytes) => Buffer.from(bytes.subarray(4, 4 + bytes[3])).toString('utf8'));
    expect(prefixes).toEqual(['cbdc/payment/v1', 'cbdc/unload/v1', 'cbdc/operator-command/v1']);
    for (let i = 1; i < payloads.length; i++) {
      expect(verifyFast(paymentSignature, payloads[i], publicKey)).toBe(false);
    }
  });

  it('encodes an operator command the same whatever the key order or integer type', () => {
    const reordered = { attempt: 1n, urgent: false, amount: 100_000_000n, operatorId: 'bank-a' };
    expect(toHex(encodeOperatorCommandForSigning('issue', reordered))).toBe(toHex(encodeOperatorCommandForSigning('issue', operatorFields)));
    expect(toHex(encodeOperatorCommandForSigning('recall', operatorFields))).not.toBe(toHex(encodeOperatorCommandForSigning('issue', operatorFields)));
  });
});

describe('refusals', () => {
  it.each([
    ['a negative amount', { amount: -1n }],
    ['an amount of 2^63', { amount: 2n ** 63n }],
    ['a counter of 2^63', { counter: 2n ** 63n }],
    ['an empty payment id', { paymentId: '' }],
    ['a payment id over the limit', { paymentId: 'p'.repeat(signedIdBytesMax + 1) }],
    ['a payee id over the limit in UTF-8 bytes', { payeeWalletId: '元'.repeat(43) }],
    ['an amount given as a number', { amount: 5 as unknown as bigint }],
  ])('a payment with %s', (_label, change) => {
    expect(() => encodePaymentForSigning({ ...payment, ...change })).toThrow(CanonicalEncodingError);
  });

  it('accepts the extremes: amount 0 and 2^63-1, an id of exactly the limit', () => {
    expect(() => encodePaymentForSigning({ ...payment, amount: 0n, counter: 2n ** 63n - 1n, paymentId: 'p'.repeat(signedIdBytesMax) })).not.toThrow();
  });

  it('an unload with a counter out of range or an empty command id', () => {
    expect(() => encodeUnloadForSigning({ ...unload, counter: -1n })).toThrow(CanonicalEncodingError);
    expect(() => encodeUnloadForSigning({ ...unload, commandId: '' })).toThrow(CanonicalEncodingError);
  });

  it('an operator command with an empty kind or a float', () => {
    expect(() => encodeOperatorCommandForSigning('', {})).toThrow(CanonicalEncodingError);
    expect(() => encodeOperatorCommandForSigning('issue', { amount: 0.1 })).toThrow(CanonicalEncodingError);
  });
});
