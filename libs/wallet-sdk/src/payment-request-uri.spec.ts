// Proves merchant payment request URIs round-trip exactly and that every malformed, tampered-shape or expired URI is refused with its stable code.
import fc from 'fast-check';
import { formatPaymentRequestUri, parsePaymentRequestUri, paymentIdForRequest, referenceLengthMax, type PaymentRequest } from './payment-request-uri';
import { createWalletKeys } from './wallet-keys';
import { WalletSdkError } from './wallet-sdk-error';

const payee = createWalletKeys().walletId;
const now = new Date('2026-11-29T12:00:00Z');
const inTenMinutes = new Date('2026-11-29T12:10:00Z');
const request: PaymentRequest = { payeeWalletId: payee, amount: 1234n, reference: 'Order 42 / table 7', expiresAt: inTenMinutes, operatorId: 'bank-a' };

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof WalletSdkError) return error.code;
    throw error;
  }
  return undefined;
}

describe('payment request URIs', () => {
  it('formats a short cbdc:pay URI that parses back to the same request', () => {
    const uri = formatPaymentRequestUri(request);
    expect(uri).toBe(`cbdc:pay?v=1&payee=${payee}&amount=1234&ref=Order%2042%20%2F%20table%207&exp=${inTenMinutes.getTime() / 1000}&op=bank-a`);
    expect(parsePaymentRequestUri(uri, now)).toEqual(request);
  });

  it('round-trips any valid request, the operator optional, references in any script', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((s) => s.length <= referenceLengthMax && !/[\p{Cc}\u2028\u2029]/u.test(s)),
        fc.integer({ min: 1, max: 365 * 24 * 3600 }),
        fc.option(fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/), { nil: undefined }),
        (amount, reference, secondsAhead, operatorId) => {
          const original: PaymentRequest = { payeeWalletId: payee, amount, reference, expiresAt: new Date(now.getTime() + secondsAhead * 1000) };
          if (operatorId !== undefined) original.operatorId = operatorId;
          expect(parsePaymentRequestUri(formatPaymentRequestUri(original), now)).toEqual(original);
        },
      ),
    );
  });

  it('drops fractions of a second from the expiry', () => {
    const uri = formatPaymentRequestUri({ ...request, expiresAt: new Date(inTenMinutes.getTime() + 999) });
    expect(parsePaymentRequestUri(uri, now).expiresAt).toEqual(inTenMinutes);
  });

  it('refuses an expired request, including one expiring exactly now', () => {
    const uri = formatPaymentRequestUri(request);
    expect(codeOf(() => parsePaymentRequestUri(uri, inTenMinutes))).toBe('EXPIRED_REQUEST');
    expect(codeOf(() => parsePaymentRequestUri(uri, new Date(inTenMinutes.getTime() + 1)))).toBe('EXPIRED_REQUEST');
    expect(parsePaymentRequestUri(uri, new Date(inTenMinutes.getTime() - 1)).amount).toBe(1234n);
  });

  it('accepts an upper-case scheme, as QR scanners write it', () => {
    const uri = formatPaymentRequestUri(request).replace('cbdc:pay', 'CBDC:PAY');
    expect(parsePaymentRequestUri(uri, now)).toEqual(request);
  });

  const valid = formatPaymentRequestUri(request);
  const exp = String(inTenMinutes.getTime() / 1000);
  it.each([
    ['another scheme', valid.replace('cbdc:pay?', 'https://pay?'), 'BAD_URI'],
    ['another action', valid.replace('cbdc:pay?', 'cbdc:refund?'), 'BAD_URI'],
    ['no parameters', 'cbdc:pay?', 'BAD_URI'],
    ['an unknown parameter', `${valid}&tip=100`, 'BAD_URI'],
    ['a repeated parameter', `${valid}&amount=1`, 'BAD_URI'],
    ['a parameter without a value', `${valid}&op`, 'BAD_URI'],
    ['a broken percent escape', valid.replace('Order%2042', 'Order%E0%A4'), 'BAD_URI'],
    ['a missing amount', valid.replace('&amount=1234', ''), 'BAD_URI'],
    ['a missing reference', valid.replace(/&ref=[^&]*/, ''), 'BAD_URI'],
    ['a missing version', valid.replace('v=1&', ''), 'BAD_URI'],
    ['a later version', valid.replace('v=1', 'v=2'), 'UNSUPPORTED_URI_VERSION'],
    ['a URI over 1024 characters', `${valid}&ref=${'x'.repeat(1100)}`, 'BAD_URI'],
    ['a payee that is not a wallet id', valid.replace(payee, 'merchant-1'), 'BAD_WALLET_ID'],
    ['an amount in yuan', valid.replace('amount=1234', 'amount=12.34'), 'BAD_AMOUNT'],
    ['a zero amount', valid.replace('amount=1234', 'amount=0'), 'BAD_AMOUNT'],
    ['a negative amount', valid.replace('amount=1234', 'amount=-1234'), 'BAD_AMOUNT'],
    ['an amount with leading zeros', valid.replace('amount=1234', 'amount=01234'), 'BAD_AMOUNT'],
    ['an amount above 2^63-1', valid.replace('amount=1234', 'amount=9223372036854775808'), 'BAD_AMOUNT'],
    ['an empty reference', valid.replace(/ref=[^&]*/, 'ref='), 'BAD_REFERENCE'],
    ['a reference with a newline', valid.replace('Order%2042', 'Order%0A42'), 'BAD_REFERENCE'],
    ['a reference longer than 140 characters', valid.replace(/ref=[^&]*/, `ref=${'r'.repeat(141)}`), 'BAD_REFERENCE'],
    ['an expiry in milliseconds with a fraction', valid.replace(`exp=${exp}`, `exp=${exp}.5`), 'BAD_EXPIRY'],
    ['an expiry as a date', valid.replace(`exp=${exp}`, 'exp=2026-12-01'), 'BAD_EXPIRY'],
    ['an operator id with spaces', valid.replace('op=bank-a', 'op=bank%20a'), 'BAD_OPERATOR_ID'],
  ])('refuses %s', (_name, uri, code) => {
    expect(codeOf(() => parsePaymentRequestUri(uri, now))).toBe(code);
  });

  it('refuses to format what it would refuse to parse', () => {
    expect(codeOf(() => formatPaymentRequestUri({ ...request, amount: 0n }))).toBe('BAD_AMOUNT');
    expect(codeOf(() => formatPaymentRequestUri({ ...request, payeeWalletId: 'nobody' }))).toBe('BAD_WALLET_ID');
    expect(codeOf(() => formatPaymentRequestUri({ ...request, reference: 'a\u0007b' }))).toBe('BAD_REFERENCE');
    expect(codeOf(() => formatPaymentRequestUri({ ...request, expiresAt: new Date(Number.NaN) }))).toBe('BAD_EXPIRY');
    expect(codeOf(() => formatPaymentRequestUri({ ...request, operatorId: '' }))).toBe('BAD_OPERATOR_ID');
  });

  it('derives the payment id of a request from the exact URI text', () => {
    // Cross-checked outside this code: 'pr-' + hashlib.sha256(b'cbdc:pay?v=1&payee=x').hexdigest()[:40] in Python.
    expect(paymentIdForRequest('cbdc:pay?v=1&payee=x')).toBe('pr-e2e0a103deabab9a0acfe08e79af0140902cc361');
    const uri = formatPaymentRequestUri(request);
    const id = paymentIdForRequest(uri);
    expect(id).toMatch(/^pr-[0-9a-f]{40}$/);
    expect(paymentIdForRequest(uri)).toBe(id);
    // Another reference, amount or expiry is another request, so another payment id.
    expect(paymentIdForRequest(formatPaymentRequestUri({ ...request, reference: 'Order 43' }))).not.toBe(id);
    expect(paymentIdForRequest(formatPaymentRequestUri({ ...request, amount: 1235n }))).not.toBe(id);
    expect(codeOf(() => paymentIdForRequest(''))).toBe('BAD_URI');
  });
});
