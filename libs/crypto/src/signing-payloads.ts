// The exact bytes that wallets and operators sign.
//
// Invariants: each payload starts with its own domain tag, so a signature over a payment can
// never be replayed as an unload or an operator command (and back); fields appear in a fixed
// order with fixed-width integers and length-prefixed strings (see canonical-encoding.ts); any
// change to a payload gets a new tag (`.../v2`), and the test vectors in
// signing-payloads.spec.ts pin today's bytes so they never change silently.
// Business rules (a positive amount, a counter that moves forward) belong to the ledger; the
// encoding only refuses what it cannot encode unambiguously.
import { CanonicalFields, CanonicalWriter } from './canonical-encoding';

export const paymentDomainTag = 'cbdc/payment/v1';
export const unloadDomainTag = 'cbdc/unload/v1';
export const operatorCommandDomainTag = 'cbdc/operator-command/v1';
/** Longest id (payment, wallet, operator, command) in UTF-8 bytes. */
export const signedIdBytesMax = 128;
/** Longest operator command kind in UTF-8 bytes. */
export const operatorCommandKindBytesMax = 64;

/** A payment instruction as the payer wallet signs it; amount in fen. */
export interface PaymentInstruction {
  paymentId: string;
  payerWalletId: string;
  payeeWalletId: string;
  amount: bigint;
  counter: bigint;
}

/** An unload instruction (DC back to deposit money) as the wallet holder signs it; amount in fen. */
export interface UnloadInstruction {
  operatorId: string;
  walletId: string;
  amount: bigint;
  counter: bigint;
  commandId: string;
}

/** tag, paymentId, payerWalletId, payeeWalletId, amount (u64), counter (u64). */
export function encodePaymentForSigning(payment: PaymentInstruction): Uint8Array {
  return new CanonicalWriter(160)
    .tag(paymentDomainTag)
    .nonEmptyString(payment.paymentId, 'paymentId', signedIdBytesMax)
    .nonEmptyString(payment.payerWalletId, 'payerWalletId', signedIdBytesMax)
    .nonEmptyString(payment.payeeWalletId, 'payeeWalletId', signedIdBytesMax)
    .unsigned(payment.amount, 'amount')
    .unsigned(payment.counter, 'counter')
    .finish();
}

/** tag, operatorId, walletId, amount (u64), counter (u64), commandId. */
export function encodeUnloadForSigning(unload: UnloadInstruction): Uint8Array {
  return new CanonicalWriter(160)
    .tag(unloadDomainTag)
    .nonEmptyString(unload.operatorId, 'operatorId', signedIdBytesMax)
    .nonEmptyString(unload.walletId, 'walletId', signedIdBytesMax)
    .unsigned(unload.amount, 'amount')
    .unsigned(unload.counter, 'counter')
    .nonEmptyString(unload.commandId, 'commandId', signedIdBytesMax)
    .finish();
}

/**
 * tag, kind, then the flat fields sorted by key (count, then key, type byte, value each), so
 * any flat object of strings, integers and booleans encodes the same whatever its key order,
 * and an integer encodes the same whether it was a number or a bigint.
 */
export function encodeOperatorCommandForSigning(kind: string, fields: CanonicalFields): Uint8Array {
  return new CanonicalWriter(256)
    .tag(operatorCommandDomainTag)
    .nonEmptyString(kind, 'kind', operatorCommandKindBytesMax)
    .fields(fields, 'fields')
    .finish();
}
