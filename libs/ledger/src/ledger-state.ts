/**
 * The in-memory state of the central ledger, owned by the engine and mutated in place by
 * `applyBatch` (no copy of the whole state per command or per batch).
 *
 * Invariants kept (checked by `checkInvariants`):
 * - Each operator has exactly one reserve account and one vault; each wallet exactly one wallet
 *   account; `rtgs` is the only contra account. `accounts` indexes all of them by id and each
 *   record is shared by reference, never duplicated.
 * - A wallet belongs to one operator forever, and its public key never changes.
 * - Per operator, the books reconcile (the checkable half of ARCHITECTURE.md invariant 2):
 *   reserve = reserveCredited - issued + recalled, and
 *   vault + its wallets = issued - recalled + crossOperatorNet, where crossOperatorNet is the DC its
 *   wallets received by payment from other operators' wallets minus what they paid to them (it
 *   sums to zero over all operators). The other half of invariant 2, that this DC matches the
 *   customer deposits the operator took in, lives in the operator's own books.
 * - The ledger keeps no set of answered command ids: there are too many to hold, so the engine
 *   passes the ids it already answered with each batch (see `BatchContext.seenCommandIds`).
 * - Balances, counters and window totals fit in 64 bits (`balanceMax`, `counterMax`); a write
 *   outside that range is an assertion, never a silent wrap. A wallet balance is never negative,
 *   even by a bug: its storage refuses it.
 *
 * Records are objects whose hot numbers (balances, counters, window totals) live in 64-bit typed
 * columns behind accessors, and a wallet record is its own account record (`wallet.account ===
 * wallet`). Read and write them through their properties; copy them with `snapshotWallet`,
 * `snapshotOperator` or `snapshotLedgerState` (spreading a record would lose the accessors).
 */
import { type AccountId, type OperatorId, type WalletAccountId, type WalletId, rtgsAccount, reserveAccount, vaultAccount, walletAccount } from './accounts';
import { LedgerAssertionError, assertLedger } from './assertions';
import * as money from './money';
import type { OperatorKind } from './ledger-commands';
import { type WalletClass, isWalletClass } from './policy';

/** 100%: each fen of DC is backed by one fen of reserves converted at issue. */
export const reserveRatioBpsDefault = 10_000;
/** Below 100% the central bank would create DC without taking reserves, so it is refused. */
export const reserveRatioBpsMin = 10_000;
/** 1,000%: a sanity bound on the extra reserves a policy can demand. */
export const reserveRatioBpsMax = 100_000;
/** Operator and wallet ids are short: wallet ids are key digests. */
export const entityIdLengthMax = 128;
export const ed25519PublicKeyBytes = 32;
// Local copies: a CommonJS re-export is a getter call on every access, and these are hot.
const balanceMax = money.balanceMax;
const balanceMin = -money.balanceMax - 1n;
const counterMax = money.counterMax;
const columnCapacityInitial = 1_024;

export interface AccountRecord {
  readonly accountId: AccountId;
  /** Only contra accounts may go negative. */
  readonly contra: boolean;
  balance: bigint;
}

export interface OperatorRecord {
  readonly operatorId: OperatorId;
  readonly name: string;
  readonly operatorKind: OperatorKind;
  readonly publicKey: Uint8Array;
  readonly reserveRatioBps: number;
  readonly issueQuotaAuto: bigint;
  /** Sum of all `credit-reserve` amounts. */
  reserveCredited: bigint;
  /** Sum of all DC issued to this operator. */
  issued: bigint;
  /** Sum of all DC recalled from this operator. */
  recalled: bigint;
  /** DC its wallets received from other operators' wallets minus what they paid to them. */
  crossOperatorNet: bigint;
  readonly reserve: AccountRecord;
  readonly vault: AccountRecord;
}

export interface WalletRecord {
  readonly walletId: WalletId;
  readonly operatorId: OperatorId;
  readonly operator: OperatorRecord;
  walletClass: WalletClass;
  readonly publicKey: Uint8Array;
  readonly escrow: Uint8Array | null;
  /** Counter of the last accepted payment or unload; 0 before the first. */
  lastCounter: bigint;
  /** Calendar day (days since 1970-01-01 in the policy offset) that `dayTotal` counts. */
  dayKey: number;
  dayTotal: bigint;
  /** Calendar year that `yearTotal` counts. */
  yearKey: number;
  yearTotal: bigint;
  readonly account: AccountRecord;
  /** True when `key` holds the same bytes as the registered public key. */
  hasPublicKey(key: Uint8Array): boolean;
}

/**
 * Storage of the numbers that change on every payment. They live in 64-bit typed arrays rather
 * than in object fields: storing a fresh `bigint` into a long-lived object makes V8 record an
 * old-to-young pointer and promote the value, several times the cost of the arithmetic. Each
 * wallet owns one 64-byte row (one cache line) holding its balance, last counter, day and year
 * totals and a copy of its public key, so checking and debiting a payer touches one line of this
 * storage. Records keep their slot and read and write through accessors, which assert the 64-bit
 * range because typed arrays would silently wrap.
 */
const walletRowWords = 8;
const balanceWord = 0;
const counterWord = 1;
const dayTotalWord = 2;
const yearTotalWord = 3;
const publicKeyByte = 32;

class LedgerColumns {
  /** Counts batches, so each can mark the records it touched without a Set (see `BatchMarked`). */
  batchCount = 0;
  systemBalances = new BigInt64Array(64);
  systemCount = 0;
  walletRows = new BigInt64Array(columnCapacityInitial * walletRowWords);
  walletBytes = new Uint8Array(this.walletRows.buffer);
  walletCount = 0;

  addSystemAccount(): number {
    if (this.systemCount === this.systemBalances.length) {
      const larger = new BigInt64Array(this.systemBalances.length * 2);
      larger.set(this.systemBalances);
      this.systemBalances = larger;
    }
    return this.systemCount++;
  }

  /** Returns the first word of a fresh, zeroed wallet row. */
  addWallet(): number {
    if ((this.walletCount + 1) * walletRowWords > this.walletRows.length) {
      const larger = new BigInt64Array(this.walletRows.length * 2);
      larger.set(this.walletRows);
      this.walletRows = larger;
      this.walletBytes = new Uint8Array(larger.buffer);
    }
    return this.walletCount++ * walletRowWords;
  }
}

/** Hot: the message is built only on failure, so a passing check allocates nothing. */
function assertInRange(value: bigint, min: bigint, max: bigint, owner: string, field: string): void {
  if (typeof value !== 'bigint' || value < min || value > max) throw new LedgerAssertionError(`${field} of ${owner}: ${String(value)} is outside [${min}, ${max}]`);
}

/**
 * Internal to `applyBatch`: the last batch that listed this record as touched. A small integer
 * field instead of a Set per batch, because hashing 2,000 records per batch was a fifth of the cost
 * of a payment.
 */
export interface BatchMarked {
  batchMark: number;
}

/** Internal to `applyBatch`: the last batch that listed this wallet among the changed wallets. */
export interface WalletBatchMarked {
  walletBatchMark: number;
}

/** Internal to `applyBatch`: a number no earlier batch on this state used. */
export function nextBatchMark(state: LedgerState): number {
  const columns = columnsOf(state);
  columns.batchCount++;
  return columns.batchCount;
}

/** A reserve, a vault or `rtgs`. */
class SystemAccount implements AccountRecord, BatchMarked {
  batchMark = 0;
  readonly #columns: LedgerColumns;
  readonly #slot: number;

  constructor(readonly accountId: AccountId, readonly contra: boolean, columns: LedgerColumns, balance: bigint) {
    this.#columns = columns;
    this.#slot = columns.addSystemAccount();
    this.balance = balance;
  }

  get balance(): bigint {
    return this.#columns.systemBalances[this.#slot];
  }

  set balance(value: bigint) {
    assertInRange(value, balanceMin, balanceMax, this.accountId, 'balance');
    this.#columns.systemBalances[this.#slot] = value;
  }
}

/** A wallet is its own account record, so a payment reaches its balance without a second object. */
class LedgerWallet implements WalletRecord, AccountRecord, BatchMarked, WalletBatchMarked {
  batchMark = 0;
  walletBatchMark = 0;
  readonly accountId: WalletAccountId;
  readonly contra = false;
  readonly walletId: WalletId;
  readonly operatorId: OperatorId;
  readonly operator: OperatorRecord;
  walletClass: WalletClass;
  readonly publicKey: Uint8Array;
  readonly escrow: Uint8Array | null;
  dayKey: number;
  yearKey: number;
  readonly #columns: LedgerColumns;
  readonly #row: number;

  constructor(snapshot: WalletSnapshot, operator: OperatorRecord, columns: LedgerColumns) {
    this.accountId = walletAccount(snapshot.walletId);
    this.walletId = snapshot.walletId;
    this.operatorId = operator.operatorId;
    this.operator = operator;
    this.walletClass = snapshot.walletClass;
    this.publicKey = snapshot.publicKey;
    this.escrow = snapshot.escrow;
    this.dayKey = snapshot.dayKey;
    this.yearKey = snapshot.yearKey;
    this.#columns = columns;
    this.#row = columns.addWallet();
    columns.walletBytes.set(snapshot.publicKey, this.#row * 8 + publicKeyByte);
    this.balance = snapshot.balance;
    this.lastCounter = snapshot.lastCounter;
    this.dayTotal = snapshot.dayTotal;
    this.yearTotal = snapshot.yearTotal;
  }

  get account(): AccountRecord {
    return this;
  }

  get balance(): bigint {
    return this.#word(balanceWord);
  }

  set balance(value: bigint) {
    this.#setWord(balanceWord, value, balanceMax, 'balance');
  }

  get lastCounter(): bigint {
    return this.#word(counterWord);
  }

  set lastCounter(value: bigint) {
    this.#setWord(counterWord, value, counterMax, 'lastCounter');
  }

  get dayTotal(): bigint {
    return this.#word(dayTotalWord);
  }

  set dayTotal(value: bigint) {
    this.#setWord(dayTotalWord, value, balanceMax, 'dayTotal');
  }

  get yearTotal(): bigint {
    return this.#word(yearTotalWord);
  }

  set yearTotal(value: bigint) {
    this.#setWord(yearTotalWord, value, balanceMax, 'yearTotal');
  }

  #word(word: number): bigint {
    return this.#columns.walletRows[this.#row + word];
  }

  /** Every number of a wallet's row is at least zero and at most `max`. */
  #setWord(word: number, value: bigint, max: bigint, field: string): void {
    assertInRange(value, 0n, max, this.accountId, field);
    this.#columns.walletRows[this.#row + word] = value;
  }

  hasPublicKey(key: Uint8Array): boolean {
    if (key === this.publicKey) return true;
    if (key.length !== ed25519PublicKeyBytes) return false;
    const bytes = this.#columns.walletBytes;
    const first = this.#row * 8 + publicKeyByte;
    for (let index = 0; index < ed25519PublicKeyBytes; index++) {
      if (bytes[first + index] !== key[index]) return false;
    }
    return true;
  }
}

export interface LedgerTotals {
  /** All DC ever issued. */
  issued: bigint;
  /** All DC ever recalled. */
  recalled: bigint;
}

export interface LedgerState {
  readonly operators: Map<OperatorId, OperatorRecord>;
  readonly wallets: Map<WalletId, WalletRecord>;
  readonly accounts: Map<AccountId, AccountRecord>;
  readonly rtgs: AccountRecord;
  readonly totals: LedgerTotals;
  /** Storage of the hot numbers; reach them through the records, never directly. */
  readonly columns: object;
}

/** Plain data of an operator, as the engine stores and loads it. */
export interface OperatorSnapshot {
  readonly operatorId: OperatorId;
  readonly name: string;
  readonly operatorKind: OperatorKind;
  readonly publicKey: Uint8Array;
  readonly reserveRatioBps: number;
  readonly issueQuotaAuto: bigint;
  readonly reserveCredited: bigint;
  readonly issued: bigint;
  readonly recalled: bigint;
  readonly crossOperatorNet: bigint;
  readonly reserveBalance: bigint;
  readonly vaultBalance: bigint;
}

/** Plain data of a wallet, as the engine stores and loads it. */
export interface WalletSnapshot {
  readonly walletId: WalletId;
  readonly operatorId: OperatorId;
  readonly walletClass: WalletClass;
  readonly publicKey: Uint8Array;
  readonly escrow: Uint8Array | null;
  readonly balance: bigint;
  readonly lastCounter: bigint;
  readonly dayKey: number;
  readonly dayTotal: bigint;
  readonly yearKey: number;
  readonly yearTotal: bigint;
}

export interface LedgerSnapshot {
  readonly rtgsBalance: bigint;
  readonly issued: bigint;
  readonly recalled: bigint;
  readonly operators: readonly OperatorSnapshot[];
  readonly wallets: readonly WalletSnapshot[];
}

function columnsOf(state: LedgerState): LedgerColumns {
  assertLedger(state.columns instanceof LedgerColumns, 'state was not made by createLedgerState');
  return state.columns;
}

/** An empty ledger: no operator, no wallet, `rtgs` at zero. */
export function createLedgerState(): LedgerState {
  const columns = new LedgerColumns();
  const rtgs = new SystemAccount(rtgsAccount, true, columns, 0n);
  return {
    operators: new Map(),
    wallets: new Map(),
    accounts: new Map<AccountId, AccountRecord>([[rtgsAccount, rtgs]]),
    rtgs,
    totals: { issued: 0n, recalled: 0n },
    columns,
  };
}

function assertEntityId(id: unknown, what: string): asserts id is string {
  assertLedger(typeof id === 'string' && id.length > 0 && id.length <= entityIdLengthMax, `${what} must be a non-empty string of at most ${entityIdLengthMax} characters`);
}

function assertPublicKey(key: unknown, what: string): asserts key is Uint8Array {
  assertLedger(key instanceof Uint8Array && key.length === ed25519PublicKeyBytes, `${what} must be a raw ${ed25519PublicKeyBytes}-byte Ed25519 public key`);
}

/** Adds an operator record with its two accounts; internal to registration and restore. */
export function insertOperator(state: LedgerState, snapshot: OperatorSnapshot): OperatorRecord {
  assertEntityId(snapshot.operatorId, 'operatorId');
  assertPublicKey(snapshot.publicKey, 'operator publicKey');
  assertLedger(!state.operators.has(snapshot.operatorId), `operator ${snapshot.operatorId} already in state`);
  const reserveId = reserveAccount(snapshot.operatorId);
  const vaultId = vaultAccount(snapshot.operatorId);
  assertLedger(!state.accounts.has(reserveId) && !state.accounts.has(vaultId), 'operator accounts already in state');
  const columns = columnsOf(state);
  const reserve = new SystemAccount(reserveId, false, columns, snapshot.reserveBalance);
  const vault = new SystemAccount(vaultId, false, columns, snapshot.vaultBalance);
  const operator: OperatorRecord = {
    operatorId: snapshot.operatorId,
    name: snapshot.name,
    operatorKind: snapshot.operatorKind,
    publicKey: snapshot.publicKey,
    reserveRatioBps: snapshot.reserveRatioBps,
    issueQuotaAuto: snapshot.issueQuotaAuto,
    reserveCredited: snapshot.reserveCredited,
    issued: snapshot.issued,
    recalled: snapshot.recalled,
    crossOperatorNet: snapshot.crossOperatorNet,
    reserve,
    vault,
  };
  state.operators.set(operator.operatorId, operator);
  state.accounts.set(reserve.accountId, reserve);
  state.accounts.set(vault.accountId, vault);
  return operator;
}

/** Adds a wallet record with its account; internal to registration and restore. */
export function insertWallet(state: LedgerState, snapshot: WalletSnapshot): WalletRecord {
  assertEntityId(snapshot.walletId, 'walletId');
  assertPublicKey(snapshot.publicKey, 'wallet publicKey');
  assertLedger(isWalletClass(snapshot.walletClass), 'walletClass must be 1..4');
  const operator = state.operators.get(snapshot.operatorId);
  assertLedger(operator !== undefined, `wallet ${snapshot.walletId} names unknown operator ${snapshot.operatorId}`);
  assertLedger(!state.wallets.has(snapshot.walletId), `wallet ${snapshot.walletId} already in state`);
  const accountId = walletAccount(snapshot.walletId);
  assertLedger(!state.accounts.has(accountId), 'wallet account already in state');
  const wallet = new LedgerWallet(snapshot, operator, columnsOf(state));
  state.wallets.set(wallet.walletId, wallet);
  state.accounts.set(accountId, wallet);
  return wallet;
}

/** Loads one operator from storage into the state (the engine's startup or cache fill). */
export function restoreOperator(state: LedgerState, snapshot: OperatorSnapshot): OperatorRecord {
  return insertOperator(state, snapshot);
}

/**
 * Loads one wallet from storage into the state. The engine may load wallets lazily, before the
 * batch that first touches them; `checkInvariants` then only holds over a fully loaded state.
 */
export function restoreWallet(state: LedgerState, snapshot: WalletSnapshot): WalletRecord {
  return insertWallet(state, snapshot);
}

/** Builds a state from stored data: operators first, then wallets, then system balances. */
export function restoreLedgerState(snapshot: LedgerSnapshot): LedgerState {
  const state = createLedgerState();
  for (const operator of snapshot.operators) insertOperator(state, operator);
  for (const wallet of snapshot.wallets) insertWallet(state, wallet);
  state.rtgs.balance = snapshot.rtgsBalance;
  state.totals.issued = snapshot.issued;
  state.totals.recalled = snapshot.recalled;
  return state;
}

export function snapshotOperator(operator: OperatorRecord): OperatorSnapshot {
  return {
    operatorId: operator.operatorId,
    name: operator.name,
    operatorKind: operator.operatorKind,
    publicKey: operator.publicKey,
    reserveRatioBps: operator.reserveRatioBps,
    issueQuotaAuto: operator.issueQuotaAuto,
    reserveCredited: operator.reserveCredited,
    issued: operator.issued,
    recalled: operator.recalled,
    crossOperatorNet: operator.crossOperatorNet,
    reserveBalance: operator.reserve.balance,
    vaultBalance: operator.vault.balance,
  };
}

export function snapshotWallet(wallet: WalletRecord): WalletSnapshot {
  return {
    walletId: wallet.walletId,
    operatorId: wallet.operatorId,
    walletClass: wallet.walletClass,
    publicKey: wallet.publicKey,
    escrow: wallet.escrow,
    balance: wallet.account.balance,
    lastCounter: wallet.lastCounter,
    dayKey: wallet.dayKey,
    dayTotal: wallet.dayTotal,
    yearKey: wallet.yearKey,
    yearTotal: wallet.yearTotal,
  };
}

/** Plain data of the whole state, in insertion order; keys and escrows are shared, not copied. */
export function snapshotLedgerState(state: LedgerState): LedgerSnapshot {
  return {
    rtgsBalance: state.rtgs.balance,
    issued: state.totals.issued,
    recalled: state.totals.recalled,
    operators: Array.from(state.operators.values(), snapshotOperator),
    wallets: Array.from(state.wallets.values(), snapshotWallet),
  };
}

/** An independent copy (for tests and what-if reports; never on the hot path). */
export function cloneLedgerState(state: LedgerState): LedgerState {
  return restoreLedgerState(snapshotLedgerState(state));
}
