/**
 * The central bank's HTTP API, version 1: the request bodies it accepts (parsed with the same
 * toolkit as the Kafka messages, so an amount is a decimal string of fen and a JSON number for
 * money is refused) and the shapes it answers with. The console, the demo and the commercial
 * banks' tooling use these types; the app's OpenAPI document describes the same shapes.
 *
 * Every error answer is `{ code, message }` with a stable code (plus `field` for a validation
 * failure), never a bare status.
 */
import { amount, ContractError, decimal, hex, id, integer, object, oneOf, optional, type Parsed, type Parser } from '../schema';

/** Operator ids as the ledger's schema allows them (lower-case, digits and dashes). */
export const operatorIdPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** Client-chosen ids (credit ids) are shorter than command ids: the command id adds a prefix. */
export const clientIdLengthMax = 100;
/** Entries per page of an account's history, at most. */
export const entriesPageLimitMax = 500;
export const entriesPageLimitDefault = 100;
/** Issue and recall requests per page of the list, at most. */
export const requestsPageLimitMax = 500;
export const requestsPageLimitDefault = 100;

/** The policy presets the ledger knows (libs/ledger policyPresetNames; a unit test keeps them equal). */
export const policyPresetNamesV1 = ['ccb-2020', 'pboc-2021'] as const;

export function operatorId(): Parser<string> {
  return (value, path) => {
    if (typeof value !== 'string' || !operatorIdPattern.test(value)) {
      throw new ContractError('MALFORMED', path, 'expected an operator id: 1..63 of a-z, 0-9 and -, not starting with -');
    }
    return value;
  };
}

/** Text that must say something: 1..lengthMax characters, not only blanks. */
export function nonEmptyText(lengthMax: number): Parser<string> {
  return (value, path) => {
    if (typeof value !== 'string' || value.trim() === '' || value.length > lengthMax) {
      throw new ContractError('MALFORMED', path, `expected a non-empty string of at most ${lengthMax} characters`);
    }
    return value;
  };
}

/** A raw Ed25519 public key: 32 bytes of hex, either case, returned lower-case. */
export function publicKeyHex(): Parser<string> {
  const lower = hex(32);
  return (value, path) => lower(typeof value === 'string' ? value.toLowerCase() : value, path);
}

export const registerOperatorRequestV1 = object({
  operatorId: operatorId(),
  name: nonEmptyText(200),
  kind: oneOf(['bank', 'payment-firm'] as const),
  publicKey: publicKeyHex(),
  /** 10,000 bps (100%) when absent: reserves cover the DC issued one to one. */
  reserveRatioBps: optional(integer(10_000, 100_000)),
  /** Issue requests of at most this many fen settle without staff approval. */
  issueQuotaAuto: decimal(),
});

export const reserveCreditRequestV1 = object({
  /** Chosen by the caller; a repeat with the same id gets the first answer, not a second credit. */
  creditId: id(clientIdLengthMax),
  amount: amount(),
  /** The RTGS transfer that funded it, for reconciliation. */
  reference: nonEmptyText(200),
});

const classLimitsV1 = object({ balanceCap: amount(), singlePayment: amount(), daily: amount(), annual: amount() });

export const policyUpdateRequestV1 = object({
  preset: optional(oneOf(policyPresetNamesV1)),
  /** Replaces the preset's limits of the classes given ("1".."4"); the policy is then `custom`. */
  classLimits: optional(object({ 1: optional(classLimitsV1), 2: optional(classLimitsV1), 3: optional(classLimitsV1), 4: optional(classLimitsV1) })),
  largeValueThreshold: optional(amount()),
  calendarUtcOffsetMinutes: optional(integer(-720, 840)),
});

export const issueRecallRejectRequestV1 = object({ reason: nonEmptyText(500) });

export type RegisterOperatorRequestV1 = Parsed<typeof registerOperatorRequestV1>;
export type ReserveCreditRequestV1 = Parsed<typeof reserveCreditRequestV1>;
export type PolicyUpdateRequestV1 = Parsed<typeof policyUpdateRequestV1>;
export type IssueRecallRejectRequestV1 = Parsed<typeof issueRecallRejectRequestV1>;

/** Amounts in answers are decimal strings of fen, like in requests. */
type Fen = string;

export interface ApiErrorV1 {
  code: string;
  message: string;
  /** The offending field of a VALIDATION_FAILED, as a path (`classLimits.1.daily`). */
  field?: string;
}

export interface CentralBankInfoV1 {
  /** The central bank's Ed25519 public key, hex: it signs every command it puts on the ledger. */
  publicKey: string;
  keyCreatedAt: string;
  ledgerCommandsTopic: string;
  controlTopic: string;
  ledgerPartitions: number;
}

export interface OperatorBooksV1 {
  reserveCredited: Fen;
  issued: Fen;
  recalled: Fen;
  /** Net DC its wallets received from other operators' wallets. */
  crossOperatorNet: Fen;
}

export interface OperatorViewV1 {
  operatorId: string;
  name: string;
  kind: 'bank' | 'payment-firm';
  publicKey: string;
  reserveRatioBps: number;
  issueQuotaAuto: Fen;
  registeredAt: string;
  reserve: Fen;
  vault: Fen;
  /** DC held in its customers' wallets. */
  walletsHeld: Fen;
  walletCount: number;
  books: OperatorBooksV1;
}

export interface ReserveCreditViewV1 {
  creditId: string;
  operatorId: string;
  commandId: string;
  status: 'accepted';
  amount: Fen;
  reference: string;
  sequence: string;
}

export type IssueRecallStatus = 'pending-approval' | 'submitted' | 'settled' | 'rejected';

export interface IssueRecallRequestViewV1 {
  requestId: string;
  operatorId: string;
  direction: 'issue' | 'recall';
  amount: Fen;
  status: IssueRecallStatus;
  commandId: string;
  code: string | null;
  detail: string | null;
  sequence: string | null;
  receivedAt: string;
  submittedAt: string | null;
  decidedAt: string | null;
  reviewedBy: string | null;
}

export interface ClassLimitsViewV1 {
  balanceCap: Fen;
  singlePayment: Fen;
  daily: Fen;
  annual: Fen;
}

export interface PolicyViewV1 {
  version: string;
  /** The preset, or `custom` when some class limits replace the preset's. */
  name: string;
  preset: (typeof policyPresetNamesV1)[number];
  classLimits: Record<'1' | '2' | '3' | '4', ClassLimitsViewV1>;
  customClasses: number[];
  largeValueThreshold: Fen;
  calendarUtcOffsetMinutes: number;
  notes: string[];
  createdAt: string;
  createdBy: string | null;
}

export interface SupplyOperatorV1 {
  operatorId: string;
  reserve: Fen;
  vault: Fen;
  walletsHeld: Fen;
  reserveCredited: Fen;
  issued: Fen;
  recalled: Fen;
  crossOperatorNet: Fen;
}

export interface InvariantReportV1 {
  /** The number of the invariant in ARCHITECTURE.md §5. */
  invariant: '1' | '2' | '3' | '5';
  title: string;
  /** `pending` while the part of the system that makes it checkable does not exist yet. */
  status: 'ok' | 'failed' | 'pending';
  /** One sentence per failure; empty when ok. */
  failures: string[];
  note?: string;
}

export interface SupplyReportV1 {
  asOf: string;
  outstanding: Fen;
  issued: Fen;
  recalled: Fen;
  reserveCredited: Fen;
  heldInVaults: Fen;
  heldInWallets: Fen;
  operators: SupplyOperatorV1[];
  invariants: InvariantReportV1[];
  /** True when no invariant failed (pending ones do not count as failed). */
  ok: boolean;
}

export interface AccountViewV1 {
  accountId: string;
  kind: string;
  operatorId: string | null;
  balance: Fen;
}

export interface AccountEntryV1 {
  sequence: string;
  commandId: string;
  commandType: string;
  direction: 'debit' | 'credit';
  counterpartyAccount: string;
  amount: Fen;
  batchId: string;
  committedAt: string;
}

export interface AccountEntriesPageV1 {
  accountId: string;
  entries: AccountEntryV1[];
  /** Pass as `after` for the next page; null when this page was the last. */
  nextAfter: string | null;
}
