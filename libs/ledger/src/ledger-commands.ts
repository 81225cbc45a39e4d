/**
 * Ledger commands: the requests the central ledger applies, in memory, in batch order.
 *
 * Invariants kept:
 * - Every command carries a client-chosen `commandId`; the ledger answers each id once, and a
 *   repeat gets the first answer back (accepted or rejected) instead of a second effect.
 * - Shapes here are what `libs/contracts` hands over after schema validation: strings are
 *   non-empty, amounts and counters are `bigint`, keys are raw 32-byte Ed25519 public keys.
 *   Breaking that is a programming error (an assertion), while breaking a business rule (a zero
 *   amount, a class outside 1..4, a stale counter) is a rejection.
 * - Signatures are checked BEFORE the batch, off the single writer, by the engine's verification
 *   stage. It records in `verifiedSignerKey` the public key under which the signature over the
 *   canonical command bytes verified, or null when it did not verify. The ledger then accepts a
 *   debit of a wallet only if that key is the wallet's registered key (invariant 4), so a
 *   verification stage that checked against a key supplied by the operator cannot be fooled.
 */
import type { OperatorId, WalletId } from './accounts';

export type OperatorKind = 'bank' | 'payment-firm';
export const operatorKinds: readonly OperatorKind[] = ['bank', 'payment-firm'];

interface CommandBase {
  /** Client-chosen, unique forever; the payment id for payments. */
  readonly commandId: string;
}

/** Adds an operator with a reserve account and a vault, both at zero. */
export interface RegisterOperatorCommand extends CommandBase {
  readonly kind: 'register-operator';
  readonly operatorId: OperatorId;
  readonly name: string;
  readonly operatorKind: OperatorKind;
  /** Raw 32-byte Ed25519 public key the operator signs endorsements and requests with. */
  readonly publicKey: Uint8Array;
  /** Reserves required per DC outstanding, in basis points; default and minimum 10,000 (100%). */
  readonly reserveRatioBps?: number;
  /** Issue requests above this many fen need staff approval, outside the ledger; kept as data. */
  readonly issueQuotaAuto: bigint;
}

/** Central-bank staff credit an operator's reserves (RTGS-style): `rtgs -> reserve:<op>`. */
export interface CreditReserveCommand extends CommandBase {
  readonly kind: 'credit-reserve';
  readonly operatorId: OperatorId;
  readonly amount: bigint;
}

/** Converts reserves into DC: `reserve:<op> -> vault:<op>`, issued += amount. */
export interface IssueCommand extends CommandBase {
  readonly kind: 'issue';
  readonly operatorId: OperatorId;
  readonly amount: bigint;
}

/** Converts DC back into reserves: `vault:<op> -> reserve:<op>`, recalled += amount. */
export interface RecallCommand extends CommandBase {
  readonly kind: 'recall';
  readonly operatorId: OperatorId;
  readonly amount: bigint;
}

/** Opens a wallet at an operator; the wallet id is derived from the key by the caller. */
export interface RegisterWalletCommand extends CommandBase {
  readonly kind: 'register-wallet';
  readonly walletId: WalletId;
  readonly operatorId: OperatorId;
  /** 1 (strongest KYC) .. 4 (anonymous); anything else is rejected with INVALID_CLASS. */
  readonly walletClass: number;
  /** Raw 32-byte Ed25519 public key that signs the wallet's payments and unloads. */
  readonly publicKey: Uint8Array;
  /** The holder's identity encrypted to the regulator; opaque to the ledger. */
  readonly escrow?: Uint8Array;
}

/** The wallet's operator moves it to another class (after KYC, or as a downgrade). */
export interface ChangeWalletClassCommand extends CommandBase {
  readonly kind: 'change-wallet-class';
  readonly operatorId: OperatorId;
  readonly walletId: WalletId;
  readonly walletClass: number;
}

/** Deposit money becomes DC in a wallet: `vault:<op> -> wallet:<id>`. */
export interface LoadCommand extends CommandBase {
  readonly kind: 'load';
  readonly operatorId: OperatorId;
  readonly walletId: WalletId;
  readonly amount: bigint;
}

/** DC in a wallet goes back to deposits, signed by the wallet: `wallet:<id> -> vault:<op>`. */
export interface UnloadCommand extends CommandBase {
  readonly kind: 'unload';
  readonly operatorId: OperatorId;
  readonly walletId: WalletId;
  readonly amount: bigint;
  /** Must exceed the wallet's last accepted counter (shared with payments). */
  readonly counter: bigint;
  /** Set by the verification stage: the key the signature verified under, or null. */
  readonly verifiedSignerKey: Uint8Array | null;
}

/** Wallet to wallet, across operators, signed by the payer wallet. `commandId` is the payment id. */
export interface PaymentCommand extends CommandBase {
  readonly kind: 'payment';
  readonly payerWalletId: WalletId;
  readonly payeeWalletId: WalletId;
  readonly amount: bigint;
  /** Must exceed the payer's last accepted counter; gaps are allowed. */
  readonly counter: bigint;
  /** Set by the verification stage: the key the signature verified under, or null. */
  readonly verifiedSignerKey: Uint8Array | null;
}

/**
 * Puts the SHA-256 digest of a regulator's audit record (an unmasking) on the ledger, signed by
 * the regulator's key, so the record is anchored in the sealed blocks. Moves no money: accepted
 * unless its id repeats.
 */
export interface AuditRecordCommand extends CommandBase {
  readonly kind: 'audit-record';
  /** Raw 32-byte SHA-256 digest of the audit record, kept by the regulator. */
  readonly digest: Uint8Array;
}

export type LedgerCommand =
  | RegisterOperatorCommand
  | CreditReserveCommand
  | IssueCommand
  | RecallCommand
  | RegisterWalletCommand
  | ChangeWalletClassCommand
  | LoadCommand
  | UnloadCommand
  | PaymentCommand
  | AuditRecordCommand;

export type LedgerCommandKind = LedgerCommand['kind'];

export const ledgerCommandKinds: readonly LedgerCommandKind[] = [
  'register-operator',
  'credit-reserve',
  'issue',
  'recall',
  'register-wallet',
  'change-wallet-class',
  'load',
  'unload',
  'payment',
  'audit-record',
];
