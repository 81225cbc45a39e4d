/**
 * Payment and unload instructions signed by the wallet holder, as the JSON bodies the bank
 * receives and forwards to the central ledger (ARCHITECTURE.md §5, invariant 4).
 *
 * Invariants: the signature is over exactly `encodePaymentForSigning` / `encodeUnloadForSigning`
 * of libs/crypto, the bytes the ledger verifies (a payment's `paymentId` is the ledger command's
 * `commandId`); amounts and counters travel as decimal strings, never JSON numbers; an
 * instruction the ledger's message schema would refuse (an id outside [A-Za-z0-9._:-]{1,128}, an
 * amount or counter below 1 or above 2^63-1) is refused here, before anything is signed.
 */
import { randomUUID } from 'node:crypto';
import { encodePaymentForSigning, encodeUnloadForSigning, sign, toHex, type PaymentInstruction, type UnloadInstruction } from '@cbdc/crypto';
import { fenMax } from './amounts';
import { WalletSdkError } from './wallet-sdk-error';

export type { PaymentInstruction, UnloadInstruction };

/** Signs a message with a raw private key; `sign` (noble) by default, `signFast` (OpenSSL) for load generators. */
export type MessageSigner = (message: Uint8Array, privateKey: Uint8Array) => Uint8Array;

/** Longest id, in characters: the ledger message schema's bound. */
export const instructionIdLengthMax = 128;
const idPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/** A signed payment as the bank receives it. */
export interface SignedPaymentBody {
  paymentId: string;
  payerWalletId: string;
  payeeWalletId: string;
  /** Fen, decimal. */
  amount: string;
  /** Decimal; above the payer's last accepted counter. */
  counter: string;
  /** Ed25519 signature of the payer wallet, 64 bytes of lowercase hex. */
  signature: string;
}

/** A signed unload as the bank receives it; the bank adds its own `signature` before the ledger. */
export interface SignedUnloadBody {
  commandId: string;
  operatorId: string;
  walletId: string;
  amount: string;
  counter: string;
  walletSignature: string;
}

export function signPayment(instruction: PaymentInstruction, privateKey: Uint8Array, signWith: MessageSigner = sign): SignedPaymentBody {
  checkId(instruction.paymentId, 'paymentId');
  checkId(instruction.payerWalletId, 'payerWalletId');
  checkId(instruction.payeeWalletId, 'payeeWalletId');
  checkPositive(instruction.amount, 'amount');
  checkPositive(instruction.counter, 'counter');
  const signature = signWith(encodePaymentForSigning(instruction), privateKey);
  return {
    paymentId: instruction.paymentId,
    payerWalletId: instruction.payerWalletId,
    payeeWalletId: instruction.payeeWalletId,
    amount: instruction.amount.toString(),
    counter: instruction.counter.toString(),
    signature: toHex(signature),
  };
}

export function signUnload(instruction: UnloadInstruction, privateKey: Uint8Array, signWith: MessageSigner = sign): SignedUnloadBody {
  checkId(instruction.commandId, 'commandId');
  checkId(instruction.operatorId, 'operatorId');
  checkId(instruction.walletId, 'walletId');
  checkPositive(instruction.amount, 'amount');
  checkPositive(instruction.counter, 'counter');
  const signature = signWith(encodeUnloadForSigning(instruction), privateKey);
  return {
    commandId: instruction.commandId,
    operatorId: instruction.operatorId,
    walletId: instruction.walletId,
    amount: instruction.amount.toString(),
    counter: instruction.counter.toString(),
    walletSignature: toHex(signature),
  };
}

/** A fresh client-chosen id (`pay-<uuid>`): the ledger applies a command with a given id at most once, so a retry reuses it. */
export function newCommandId(prefix: string): string {
  const id = `${prefix}-${randomUUID()}`;
  checkId(id, 'command id');
  return id;
}

function checkId(value: unknown, name: string): void {
  if (typeof value !== 'string' || !idPattern.test(value)) {
    throw new WalletSdkError('BAD_INSTRUCTION', `${name} must be 1..${instructionIdLengthMax} characters of [A-Za-z0-9._:-]`);
  }
}

function checkPositive(value: unknown, name: string): void {
  if (typeof value !== 'bigint' || value < 1n || value > fenMax) {
    throw new WalletSdkError('BAD_INSTRUCTION', `${name} must be a bigint in 1..2^63-1, got ${String(value)}`);
  }
}
