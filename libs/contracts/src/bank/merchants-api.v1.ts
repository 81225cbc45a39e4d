/**
 * A commercial bank's merchant, treasury and wallet-class API, version 1: request bodies (parsed
 * with the contracts toolkit, so amounts are decimal strings of fen) and answer shapes, plus the
 * webhook message a bank POSTs to a merchant's server when a payment request is paid. The webhook
 * crosses to another process, so it is a versioned message with a sample the tests keep parsing.
 */
import { defineMessage, type MessageOf } from '../message';
import { amount, ContractError, decimal, id, integer, object, oneOf, optional, text, type Parsed, type Parser } from '../schema';

/** Longest webhook URL accepted. */
export const webhookUrlLengthMax = 500;
/** Webhook secrets are 16..128 characters; the bank makes a 32-byte one when none is given. */
export const webhookSecretLengthMin = 16;
export const webhookSecretLengthMax = 128;
/** A payment request lives at most a week. */
export const paymentRequestLifetimeSecondsMax = 7 * 24 * 3600;
/** Header names of a webhook delivery. */
export const webhookSignatureHeader = 'x-cbdc-signature';
export const webhookDeliveryIdHeader = 'x-cbdc-delivery-id';
export const webhookTimestampHeader = 'x-cbdc-timestamp';

function httpUrl(): Parser<string> {
  return (value, path) => {
    if (typeof value !== 'string' || value.length > webhookUrlLengthMax || !/^https?:\/\/[^\s]+$/.test(value)) {
      throw new ContractError('MALFORMED', path, `expected an http(s) URL of at most ${webhookUrlLengthMax} characters`);
    }
    try {
      new URL(value);
    } catch {
      throw new ContractError('MALFORMED', path, 'expected a URL that parses');
    }
    return value;
  };
}

function secretText(): Parser<string> {
  return (value, path) => {
    if (typeof value !== 'string' || value.length < webhookSecretLengthMin || value.length > webhookSecretLengthMax || !/^[\x21-\x7e]+$/.test(value)) {
      throw new ContractError('MALFORMED', path, `expected ${webhookSecretLengthMin}..${webhookSecretLengthMax} printable ASCII characters`);
    }
    return value;
  };
}

/** A calendar date `YYYY-MM-DD` that exists. */
export function calendarDate(): Parser<string> {
  return (value, path) => {
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
      throw new ContractError('MALFORMED', path, 'expected a date YYYY-MM-DD');
    }
    return value;
  };
}

export const registerMerchantRequestV1 = object({
  webhookUrl: httpUrl(),
  /** Generated (and answered once) when absent. */
  webhookSecret: optional(secretText()),
});

export const createPaymentRequestRequestV1 = object({
  /** Chosen by the merchant; a repeat answers the first request. */
  requestId: id(64),
  amount: amount(),
  reference: text(140),
  expiresInSeconds: integer(1, paymentRequestLifetimeSecondsMax),
});

export const treasuryOrderRequestV1 = object({
  /** Chosen by staff; a repeat answers the first order. */
  requestId: id(64),
  amount: amount(),
});

export const walletUpgradeRequestV1 = object({
  /** Chosen by the caller; a repeat answers the first change. */
  changeId: id(64),
  walletClass: integer(1, 3),
  /** Class 3 and up: the customer's ID number, when the bank does not have it yet. */
  idNumber: optional(text(64)),
  /** The identity document's expiry, stored encrypted; when it passes the wallet goes back to class 4. */
  documentExpiresOn: optional(calendarDate()),
});

/** Class 1: staff met the holder in person; the staff key is recorded with the change. */
export const inPersonVerificationRequestV1 = object({
  changeId: id(64),
  idNumber: optional(text(64)),
  documentExpiresOn: optional(calendarDate()),
});

export const walletDowngradeSweepRequestV1 = object({
  /** The day to judge expiry by (default today, UTC). */
  asOf: optional(calendarDate()),
});

export type RegisterMerchantRequestV1 = Parsed<typeof registerMerchantRequestV1>;
export type CreatePaymentRequestRequestV1 = Parsed<typeof createPaymentRequestRequestV1>;
export type TreasuryOrderRequestV1 = Parsed<typeof treasuryOrderRequestV1>;
export type WalletUpgradeRequestV1 = Parsed<typeof walletUpgradeRequestV1>;
export type InPersonVerificationRequestV1 = Parsed<typeof inPersonVerificationRequestV1>;
export type WalletDowngradeSweepRequestV1 = Parsed<typeof walletDowngradeSweepRequestV1>;

type Fen = string;

export interface MerchantV1 {
  walletId: string;
  webhookUrl: string;
  /** Only in the answer that made it. */
  webhookSecret?: string;
  createdAt: string;
}

export type PaymentRequestStatusV1 = 'open' | 'expired' | 'paid' | 'paid-late' | 'amount-mismatch';

export interface PaymentRequestViewV1 {
  requestId: string;
  walletId: string;
  paymentId: string;
  uri: string;
  amount: Fen;
  reference: string;
  expiresAt: string;
  status: PaymentRequestStatusV1;
  paidAmount: Fen | null;
  payerWalletId: string | null;
  sequence: string | null;
  paidAt: string | null;
  webhook: { deliveryId: string; status: 'pending' | 'delivered' | 'failed'; attempts: number } | null;
}

export interface TreasuryRequestViewV1 {
  requestId: string;
  direction: 'issue' | 'recall';
  amount: Fen;
  status: 'requested' | 'pending-approval' | 'settled' | 'rejected';
  code: string | null;
  requestedBy: string;
}

export interface TreasuryViewV1 {
  /** The vault as this bank's records know it: settled issues - recalls - accepted loads + unloads. */
  vault: Fen;
  /** Loads asked and not decided yet: the vault will shrink by them when accepted. */
  loadsPending: Fen;
  low: Fen;
  high: Fen;
  target: Fen;
  inFlight: TreasuryRequestViewV1 | null;
  recent: TreasuryRequestViewV1[];
}

export interface WalletClassChangeViewV1 {
  changeId: string;
  walletId: string;
  fromClass: number;
  toClass: number;
  reason: 'upgrade' | 'document-expired';
  status: 'pending' | 'accepted' | 'rejected';
  code: string | null;
  verifiedBy: string | null;
}

/** What a merchant's server receives, signed with HMAC-SHA256 of the raw body under its secret. */
export const paymentRequestPaidV1 = defineMessage(
  'merchant.payment-request-paid',
  1,
  {
    deliveryId: id(),
    requestId: id(64),
    walletId: id(),
    paymentId: id(),
    reference: text(140),
    amount: amount(),
    paidAmount: decimal({ min: 1n }),
    payerWalletId: id(),
    status: oneOf(['paid', 'paid-late', 'amount-mismatch'] as const),
    sequence: decimal(),
    paidAt: text(40),
  },
  [
    {
      type: 'merchant.payment-request-paid',
      version: 1,
      deliveryId: 'paid:order-42',
      requestId: 'order-42',
      walletId: 'w1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d',
      paymentId: 'pr-e2e0a103deabab9a0acfe08e79af0140902cc361',
      reference: 'Order 42',
      amount: '1234',
      paidAmount: '1234',
      payerWalletId: 'w3f9a0c1d2e4b5a6978f0e1d2c3b4a5968778695a',
      status: 'paid',
      sequence: '1001',
      paidAt: '2026-11-29T12:00:00.000Z',
    },
  ],
);

export type PaymentRequestPaidV1 = MessageOf<typeof paymentRequestPaidV1>;

export const merchantMessages = [paymentRequestPaidV1] as const;
