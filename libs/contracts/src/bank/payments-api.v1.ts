/**
 * A commercial bank's payments API, version 1 (docs: the payments contract in the bank's OpenAPI
 * at /docs): the signed payment a wallet holder sends, the answers, and the scheme by which a
 * holder signs a read of its own wallet.
 *
 * Invariants: the payment's signature is the payer wallet's Ed25519 signature over
 * `encodePaymentForSigning` (libs/crypto) with `paymentId` as the ledger command id, so the bank
 * forwards it unchanged and the ledger verifies the very same bytes; amounts and counters are
 * decimal strings of fen; a holder-signed read covers the method, the exact path and query, and a
 * timestamp, so a signature for one read cannot be used for another.
 */
import { CanonicalWriter } from '@cbdc/crypto';
import { encodeMessage } from '../message';
import { amount, decimal, hex, id, object, optional, text, type Parsed } from '../schema';
import { paymentV1, type PaymentV1 } from '../ledger/ledger-commands.v1';
import type { KeyedMessage } from '../ledger/ledger-command-builders';

/** A payment id is chosen by the payer's side (or derived from a payment request URI). */
export const paymentIdLengthMax = 64;
/** Longest payment request URI accepted with a payment (the SDK's bound). */
export const paymentRequestTextLengthMax = 1024;

export const paymentRequestBodyV1 = object({
  paymentId: id(paymentIdLengthMax),
  payerWalletId: id(),
  payeeWalletId: id(),
  amount: amount(),
  counter: decimal({ min: 1n }),
  signature: hex(64),
  /** The merchant's `cbdc:pay?...` URI when this payment settles a payment request. */
  paymentRequest: optional(text(paymentRequestTextLengthMax)),
});

export type PaymentRequestBodyV1 = Parsed<typeof paymentRequestBodyV1>;

export type PaymentStatusV1 = 'pending' | 'settled' | 'rejected';

/** What POST /v1/payments and GET /v1/payments/:paymentId answer (amounts as decimal strings). */
export interface PaymentV1Answer {
  readonly paymentId: string;
  readonly status: PaymentStatusV1;
  readonly payerWalletId: string;
  readonly payeeWalletId: string;
  readonly amount: string;
  readonly counter: string;
  /** The central ledger's entry sequence, once settled. */
  readonly sequence?: string;
  /** When the central ledger committed it (ISO 8601), once settled. */
  readonly settledAt?: string;
  /** The ledger's stable rejection code, once rejected. */
  readonly code?: string;
  readonly message?: string;
}

/** GET /v1/holder/wallets/:walletId/balance */
export interface WalletBalanceV1 {
  readonly walletId: string;
  readonly walletClass: number;
  readonly status: string;
  /** The bank's mirror of the central ledger balance, fen. */
  readonly balance: string;
}

export interface WalletHistoryEntryV1 {
  readonly kind: 'load' | 'unload' | 'payment-in' | 'payment-out';
  readonly reference: string;
  readonly amount: string;
  readonly sequence: string | null;
  readonly counterparty: string | null;
  readonly at: string;
}

/** GET /v1/holder/wallets/:walletId/history */
export interface WalletHistoryV1 {
  readonly walletId: string;
  readonly balance: string;
  readonly entries: readonly WalletHistoryEntryV1[];
}

/**
 * The ledger command of a payment the holder signed elsewhere (its SDK): the bank adds nothing
 * to it, since the ledger checks the payer wallet's signature, not the operator's.
 */
export function paymentMessageFromSignature(body: PaymentV1): KeyedMessage {
  return { key: `wallet:${body.payerWalletId}`, value: encodeMessage(paymentV1, body) };
}

/** Headers of a holder-signed request. */
export const walletAuthHeaders = {
  walletId: 'x-wallet-id',
  /** Unix time in milliseconds, decimal. */
  timestamp: 'x-wallet-timestamp',
  /** Ed25519 over walletRequestSigningPayload, 64 bytes of lower-case hex. */
  signature: 'x-wallet-signature',
} as const;

/** A signed read is refused when its timestamp is further than this from the bank's clock. */
export const walletAuthClockSkewMsMax = 5 * 60_000;

export const walletRequestDomainTag = 'cbdc/wallet-request/v1';
/** Longest signed path and query, in UTF-8 bytes. */
export const walletRequestPathBytesMax = 1024;

/**
 * The bytes a holder signs for a read of its wallet: the canonical encoding (libs/crypto) of a
 * domain tag, the method, the path with its query exactly as sent, and the timestamp.
 */
export function walletRequestSigningPayload(method: string, pathAndQuery: string, timestampMs: bigint): Uint8Array {
  return new CanonicalWriter(256)
    .tag(walletRequestDomainTag)
    .nonEmptyString(method.toUpperCase(), 'method', 16)
    .nonEmptyString(pathAndQuery, 'path', walletRequestPathBytesMax)
    .unsigned(timestampMs, 'timestamp')
    .finish();
}
