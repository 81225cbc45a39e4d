/**
 * Merchant payment requests as URIs short enough for a QR code:
 *
 *   cbdc:pay?v=1&payee=<wallet id>&amount=<fen>&ref=<reference>&exp=<unix seconds>[&op=<operator id>]
 *
 * Invariants: formatting and parsing are inverse for every request that formats; a parsed
 * request has a wallet-id-shaped payee, a positive amount in fen within 64 bits, a reference of
 * 1..referenceLengthMax printable characters, and an expiry that is a whole second after `now`;
 * anything else (unknown or repeated parameters, another scheme, a later version, a bad escape)
 * is refused with a stable code rather than half understood. The operator is optional: the
 * payee's operator does not matter for settlement on the one central ledger, it only helps the
 * payer's app show whom the merchant banks with.
 */
import { createHash } from 'node:crypto';
import { isWalletId } from '@cbdc/crypto';
import { parseFen } from './amounts';
import { WalletSdkError } from './wallet-sdk-error';

export const paymentRequestUriPrefix = 'cbdc:pay?';
export const paymentRequestUriVersion = 1;
/** Longest URI we format or parse: a version 10 QR code at medium error correction holds about 200 bytes more. */
export const paymentRequestUriLengthMax = 1024;
/** Longest reference, in characters (UTF-16 code units). */
export const referenceLengthMax = 140;
/** Longest operator id: the ledger message schema's bound. */
export const operatorIdLengthMax = 64;

const operatorIdPattern = /^[A-Za-z0-9._:-]{1,64}$/;
// Control characters would let a reference rewrite what the payer's screen shows; lone
// surrogates cannot be percent-encoded.
const badReferenceCharacter = /[\p{Cc}\p{Cs}\u2028\u2029]/u;
const secondsPattern = /^[1-9][0-9]{0,11}$/;
const parameterNames = ['v', 'payee', 'amount', 'ref', 'exp', 'op'] as const;
type ParameterName = (typeof parameterNames)[number];

export interface PaymentRequest {
  payeeWalletId: string;
  /** Fen, positive. */
  amount: bigint;
  /** The merchant's text for the payer and for reconciliation (an order number). */
  reference: string;
  /** Whole seconds; a fraction of a second is dropped when formatting. */
  expiresAt: Date;
  operatorId?: string;
}

export function formatPaymentRequestUri(request: PaymentRequest): string {
  checkRequest(request);
  const expirySeconds = Math.floor(request.expiresAt.getTime() / 1000);
  const parameters: [ParameterName, string][] = [
    ['v', String(paymentRequestUriVersion)],
    ['payee', request.payeeWalletId],
    ['amount', request.amount.toString()],
    ['ref', request.reference],
    ['exp', String(expirySeconds)],
  ];
  if (request.operatorId !== undefined) parameters.push(['op', request.operatorId]);
  const uri = paymentRequestUriPrefix + parameters.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
  if (uri.length > paymentRequestUriLengthMax) throw new WalletSdkError('BAD_URI', `the payment request URI would be ${uri.length} characters, more than ${paymentRequestUriLengthMax}`);
  return uri;
}

/** The request in a URI, checked, and refused once expired at `now`. */
export function parsePaymentRequestUri(uri: string, now: Date = new Date()): PaymentRequest {
  if (typeof uri !== 'string' || uri.length > paymentRequestUriLengthMax) badUri(`a payment request URI is text of at most ${paymentRequestUriLengthMax} characters`);
  // URI schemes are case-insensitive (RFC 3986 §3.1); QR scanners sometimes upper-case them.
  if (uri.slice(0, paymentRequestUriPrefix.length).toLowerCase() !== paymentRequestUriPrefix) badUri(`a payment request URI starts with "${paymentRequestUriPrefix}"`);
  const values = new Map<ParameterName, string>();
  const query = uri.slice(paymentRequestUriPrefix.length);
  for (const pair of query === '' ? [] : query.split('&')) {
    const equals = pair.indexOf('=');
    if (equals <= 0) badUri(`parameter ${JSON.stringify(pair)} is not name=value`);
    const name = pair.slice(0, equals);
    if (!(parameterNames as readonly string[]).includes(name)) badUri(`unknown parameter ${JSON.stringify(name)}`);
    if (values.has(name as ParameterName)) badUri(`parameter ${name} appears twice`);
    let value: string;
    try {
      value = decodeURIComponent(pair.slice(equals + 1));
    } catch {
      badUri(`parameter ${name} is not valid percent-encoded UTF-8`);
    }
    values.set(name as ParameterName, value);
  }
  const version = values.get('v');
  if (version === undefined) badUri('the version parameter v is missing');
  if (version !== String(paymentRequestUriVersion)) {
    throw new WalletSdkError('UNSUPPORTED_URI_VERSION', `payment request version ${JSON.stringify(version)} is not supported; this SDK reads version ${paymentRequestUriVersion}`);
  }
  const required = (name: ParameterName): string => values.get(name) ?? badUri(`the parameter ${name} is missing`);
  const payeeWalletId = required('payee');
  const amountText = required('amount');
  const reference = required('ref');
  const expiryText = required('exp');
  if (!secondsPattern.test(expiryText)) throw new WalletSdkError('BAD_EXPIRY', `exp must be whole unix seconds, got ${JSON.stringify(expiryText)}`);
  let amount: bigint;
  try {
    amount = parseFen(amountText);
  } catch (error) {
    if (error instanceof WalletSdkError) throw new WalletSdkError('BAD_AMOUNT', `amount must be a positive number of fen: ${error.message}`);
    throw error;
  }
  const operatorId = values.get('op');
  const request: PaymentRequest = { payeeWalletId, amount, reference, expiresAt: new Date(Number(expiryText) * 1000) };
  if (operatorId !== undefined) request.operatorId = operatorId;
  checkRequest(request);
  if (request.expiresAt.getTime() <= now.getTime()) {
    throw new WalletSdkError('EXPIRED_REQUEST', `the payment request expired at ${request.expiresAt.toISOString()}; ask the payee for a new one`);
  }
  return request;
}

/** The prefix of every payment id derived from a payment request URI. */
export const requestPaymentIdPrefix = 'pr-';
/** Hex characters of the URI's SHA-256 kept in the derived payment id (160 bits). */
export const requestPaymentIdHexLength = 40;

/**
 * The payment id of the one payment that may settle a request: "pr-" + the first 40 hex
 * characters of SHA-256 over the UTF-8 bytes of the exact URI text. The ledger applies a payment
 * id once, so a request is paid at most once; the merchant's bank, which rendered the URI, knows
 * the id in advance and recognises the credit by it. The URI is hashed as given (not parsed and
 * re-formatted): the payer pays exactly the text the merchant showed.
 */
export function paymentIdForRequest(uri: string): string {
  if (typeof uri !== 'string' || uri.length === 0 || uri.length > paymentRequestUriLengthMax) {
    badUri(`a payment request URI is text of 1..${paymentRequestUriLengthMax} characters`);
  }
  const digest = createHash('sha256').update(uri, 'utf8').digest('hex');
  return requestPaymentIdPrefix + digest.slice(0, requestPaymentIdHexLength);
}

function checkRequest(request: PaymentRequest): void {
  if (typeof request.payeeWalletId !== 'string' || !isWalletId(request.payeeWalletId)) {
    throw new WalletSdkError('BAD_WALLET_ID', `${JSON.stringify(String(request.payeeWalletId).slice(0, 40))} is not a wallet id`);
  }
  if (typeof request.amount !== 'bigint' || request.amount < 1n || request.amount > 2n ** 63n - 1n) {
    throw new WalletSdkError('BAD_AMOUNT', `the amount must be 1..2^63-1 fen, got ${String(request.amount)}`);
  }
  if (typeof request.reference !== 'string' || request.reference.length === 0 || request.reference.length > referenceLengthMax || badReferenceCharacter.test(request.reference)) {
    throw new WalletSdkError('BAD_REFERENCE', `the reference must be 1..${referenceLengthMax} characters without control characters`);
  }
  if (!(request.expiresAt instanceof Date) || !Number.isFinite(request.expiresAt.getTime()) || request.expiresAt.getTime() < 1000) {
    throw new WalletSdkError('BAD_EXPIRY', 'the expiry must be a valid date after 1970');
  }
  if (request.operatorId !== undefined && (typeof request.operatorId !== 'string' || !operatorIdPattern.test(request.operatorId))) {
    throw new WalletSdkError('BAD_OPERATOR_ID', `the operator id must be 1..${operatorIdLengthMax} characters of [A-Za-z0-9._:-]`);
  }
}

function badUri(detail: string): never {
  throw new WalletSdkError('BAD_URI', `not a payment request URI: ${detail}`);
}
