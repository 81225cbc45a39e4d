/**
 * Applying ledger commands in memory, in order, one batch at a time: the hot path of the engine.
 *
 * Invariants kept:
 * - Every change is one double-entry transfer (debit, credit, amount > 0), so the sum of all
 *   balances stays zero; no account but `rtgs` ever goes negative.
 * - DC is created only by `issue` (reserve -> vault) and destroyed only by `recall`
 *   (vault -> reserve), and `totals.issued - totals.recalled` moves with it: DC outstanding =
 *   issued - recalled = sum of vault and wallet balances.
 * - A rejected command changes nothing: every handler checks everything, then mutates.
 * - A command id is answered once: a repeat within the batch, or of an id the engine reports as
 *   already answered (`seenCommandIds`), is a `duplicate` result with no effect, and the engine
 *   returns the first answer it stored, even when that first answer was a rejection.
 * - A wallet is debited (payment, unload) only if the verification stage found a signature valid
 *   under the wallet's registered key, with a counter above the last accepted one.
 * - A payment never takes the payer past its class's single, daily or annual limit, and no credit
 *   takes a wallet past its class's balance cap. A wallet over its cap after a downgrade keeps its
 *   DC, can still pay and unload, but receives nothing until a credit would leave it under the cap.
 * - The daily and annual windows of a wallet only move forward: a batch clock that steps back
 *   counts into the wallet's current window instead of opening a fresh one.
 * - One pass over the batch, O(1) map lookups per command, no copy of the state: `applyBatch`
 *   MUTATES the state it is given (the engine owns it). All command shapes are asserted before
 *   anything moves; an assertion that still fires mid-batch (a bug) leaves the state unusable and
 *   the engine must reload it from the database.
 */
import type { AccountId } from './accounts';
import { LedgerAssertionError, assertLedger } from './assertions';
import type {
  ChangeWalletClassCommand,
  CreditReserveCommand,
  IssueCommand,
  LedgerCommand,
  LedgerCommandKind,
  LoadCommand,
  PaymentCommand,
  RecallCommand,
  RegisterOperatorCommand,
  RegisterWalletCommand,
  UnloadCommand,
} from './ledger-commands';
import { operatorKinds } from './ledger-commands';
import {
  type AccountRecord,
  type LedgerState,
  type OperatorRecord,
  type WalletRecord,
  ed25519PublicKeyBytes,
  entityIdLengthMax,
  insertOperator,
  insertWallet,
  reserveRatioBpsDefault,
  reserveRatioBpsMax,
  reserveRatioBpsMin,
  type BatchMarked,
  type WalletBatchMarked,
  nextBatchMark,
} from './ledger-state';
import { type LedgerPolicy, calendarKeys, isWalletClass, validatePolicy } from './policy';
import * as money from './money';
import type { RejectionCode } from './rejections';

/** A sanity bound far above any engine batch; a bigger array is a bug upstream. */
export const batchSizeMax = 65_536;
export const commandIdLengthMax = 128;
export const operatorNameLengthMax = 200;
/** An audit record's digest is a SHA-256 hash. */
export const auditDigestBytes = 32;

const basisPointsPerUnit = 10_000n;
// Local copies: a CommonJS re-export is a getter call on every access.
const balanceMin = -money.balanceMax - 1n;
const counterMax = money.counterMax;

export interface Transfer {
  readonly debit: AccountId;
  readonly credit: AccountId;
  readonly amount: bigint;
}

export interface AcceptedResult {
  readonly status: 'accepted';
  readonly commandId: string;
  readonly kind: LedgerCommandKind;
  /** The double entries the command made, in order; empty for registrations and class changes. */
  readonly transfers: readonly Transfer[];
  /** A payment at or above the policy's large-value threshold, to be reported to the regulator. */
  readonly largeValue: boolean;
}

export interface RejectedResult {
  readonly status: 'rejected';
  readonly commandId: string;
  readonly kind: LedgerCommandKind;
  readonly code: RejectionCode;
  /** For people; it never reveals another party's balance. */
  readonly detail: string;
}

export interface DuplicateResult {
  readonly status: 'duplicate';
  readonly commandId: string;
  readonly kind: LedgerCommandKind;
  /** Index of the first occurrence in this batch, or null when `seenCommandIds` knew the id. */
  readonly firstIndexInBatch: number | null;
}

export type CommandResult = AcceptedResult | RejectedResult | DuplicateResult;

export interface BatchContext {
  /** The batch clock, epoch milliseconds: it sets the daily and annual windows of the batch. */
  readonly nowMs: number;
  readonly policy: LedgerPolicy;
  /** Ids answered in earlier batches (the engine looks the batch's ids up in its database). */
  readonly seenCommandIds?: { has(commandId: string): boolean };
}

export interface BatchOutcome {
  /** One result per command, same order and length as the commands. */
  readonly results: readonly CommandResult[];
  readonly acceptedCount: number;
  readonly rejectedCount: number;
  readonly duplicateCount: number;
  /**
   * Each account created or moved by the batch, once, in first-touch order. These are the LIVE
   * records of the state, not copies (copying 2,000 records per batch cost a fifth of the
   * throughput): read their values, or `snapshotWallet` / `snapshotOperator` them, before the
   * next `applyBatch` on the same state.
   */
  readonly accounts: readonly AccountRecord[];
  /**
   * Each wallet created, re-classed, or debited (counter and windows) by the batch, once; live,
   * like `accounts`. A wallet that was only credited appears in `accounts`, not here.
   */
  readonly wallets: readonly WalletRecord[];
  /** Each operator created or whose totals changed, once; live, like `accounts`. */
  readonly operators: readonly OperatorRecord[];
  readonly issued: bigint;
  readonly recalled: bigint;
  readonly dayKey: number;
  readonly yearKey: number;
}

interface ApplyEnvironment {
  readonly state: LedgerState;
  readonly policy: LedgerPolicy;
  readonly dayKey: number;
  readonly yearKey: number;
  /** False for `decide`: compute the answer, move nothing. */
  readonly mutate: boolean;
  /** This batch's mark, to list each touched record once (see `BatchMarked`). */
  readonly mark: number;
  readonly touchedAccounts: AccountRecord[];
  readonly touchedWallets: WalletRecord[];
  readonly touchedOperators: Set<OperatorRecord>;
}

/**
 * Applies `commands` in order to `state`, mutating it, and says what happened to each command
 * and which records the engine must write (one update per distinct account, wallet, operator).
 */
export function applyBatch(state: LedgerState, commands: readonly LedgerCommand[], context: BatchContext): BatchOutcome {
  assertLedger(commands.length <= batchSizeMax, 'batch larger than batchSizeMax');
  for (let index = 0; index < commands.length; index++) assertLedgerCommand(commands[index]);
  const environment = createEnvironment(state, context, true);
  const seen = context.seenCommandIds;
  const firstIndexById = new Map<string, number>();
  const results: CommandResult[] = [];
  let acceptedCount = 0;
  let rejectedCount = 0;
  let duplicateCount = 0;
  for (let index = 0; index < commands.length; index++) {
    const command = commands[index];
    const commandId = command.commandId;
    const firstIndex = firstIndexById.get(commandId);
    if (firstIndex !== undefined || (seen !== undefined && seen.has(commandId))) {
      results.push({ status: 'duplicate', commandId, kind: command.kind, firstIndexInBatch: firstIndex ?? null });
      duplicateCount++;
      continue;
    }
    firstIndexById.set(commandId, index);
    const result = applyCommand(environment, command);
    if (result.status === 'accepted') acceptedCount++;
    else rejectedCount++;
    results.push(result);
  }
  return {
    results,
    acceptedCount,
    rejectedCount,
    duplicateCount,
    accounts: environment.touchedAccounts,
    wallets: environment.touchedWallets,
    operators: Array.from(environment.touchedOperators),
    issued: state.totals.issued,
    recalled: state.totals.recalled,
    dayKey: environment.dayKey,
    yearKey: environment.yearKey,
  };
}

/**
 * The answer `applyBatch` would give to `command` alone, without changing `state`: for previews
 * and for HTTP endpoints that want to refuse early. The engine's answer is still the one that counts.
 */
export function decide(state: LedgerState, command: LedgerCommand, context: BatchContext): CommandResult {
  assertLedgerCommand(command);
  if (context.seenCommandIds !== undefined && context.seenCommandIds.has(command.commandId)) {
    return { status: 'duplicate', commandId: command.commandId, kind: command.kind, firstIndexInBatch: null };
  }
  return applyCommand(createEnvironment(state, context, false), command);
}

function createEnvironment(state: LedgerState, context: BatchContext, mutate: boolean): ApplyEnvironment {
  assertLedger(Number.isSafeInteger(context.nowMs), 'nowMs must be an integer number of epoch milliseconds');
  const policyFailures = validatePolicy(context.policy);
  if (policyFailures.length > 0) throw new LedgerAssertionError(`invalid policy: ${policyFailures.join('; ')}`);
  const { dayKey, yearKey } = calendarKeys(context.nowMs, context.policy.calendarUtcOffsetMinutes);
  return {
    state,
    policy: context.policy,
    dayKey,
    yearKey,
    mutate,
    mark: mutate ? nextBatchMark(state) : -1,
    touchedAccounts: [],
    touchedWallets: [],
    touchedOperators: new Set(),
  };
}

function applyCommand(environment: ApplyEnvironment, command: LedgerCommand): AcceptedResult | RejectedResult {
  switch (command.kind) {
    case 'payment':
      return applyPayment(environment, command);
    case 'load':
      return applyLoad(environment, command);
    case 'unload':
      return applyUnload(environment, command);
    case 'issue':
      return applyIssue(environment, command);
    case 'recall':
      return applyRecall(environment, command);
    case 'credit-reserve':
      return applyCreditReserve(environment, command);
    case 'register-wallet':
      return applyRegisterWallet(environment, command);
    case 'change-wallet-class':
      return applyChangeWalletClass(environment, command);
    case 'register-operator':
      return applyRegisterOperator(environment, command);
    case 'audit-record':
      // An anchored digest: the entry itself is the effect, no account moves.
      return accept(command, noTransfers, false);
    default:
      return unreachable(command);
  }
}

function unreachable(command: never): never {
  throw new LedgerAssertionError(`unknown ledger command kind ${String((command as { kind?: unknown }).kind)}`);
}

function reject(command: LedgerCommand, code: RejectionCode, detail: string): RejectedResult {
  return { status: 'rejected', commandId: command.commandId, kind: command.kind, code, detail };
}

function accept(command: LedgerCommand, transfers: readonly Transfer[], largeValue: boolean): AcceptedResult {
  return { status: 'accepted', commandId: command.commandId, kind: command.kind, transfers, largeValue };
}

const noTransfers: readonly Transfer[] = Object.freeze([]);

/** The one place balances change. Callers have checked funds; this re-asserts it. */
function post(environment: ApplyEnvironment, debit: AccountRecord, credit: AccountRecord, amount: bigint): Transfer {
  if (environment.mutate) {
    debit.balance -= amount;
    credit.balance += amount;
    if (debit.balance < 0n && !debit.contra) throw new LedgerAssertionError(`account ${debit.accountId} would go negative`);
    touchAccount(environment, debit);
    touchAccount(environment, credit);
  }
  return { debit: debit.accountId, credit: credit.accountId, amount };
}

/** Lists an account among the batch's touched accounts, once. */
function touchAccount(environment: ApplyEnvironment, account: AccountRecord): void {
  // Every account record in a state comes from ledger-state.ts, which makes it BatchMarked.
  const marked = account as AccountRecord & BatchMarked;
  if (marked.batchMark !== environment.mark) {
    marked.batchMark = environment.mark;
    environment.touchedAccounts.push(account);
  }
}

/** Lists a wallet among the batch's changed wallets, once. */
function touchWallet(environment: ApplyEnvironment, wallet: WalletRecord): void {
  const marked = wallet as WalletRecord & WalletBatchMarked;
  if (marked.walletBatchMark !== environment.mark) {
    marked.walletBatchMark = environment.mark;
    environment.touchedWallets.push(wallet);
  }
}

/** True when the verification stage found the signature valid under exactly the wallet's key. */
function signedBy(verifiedSignerKey: Uint8Array | null, wallet: WalletRecord): boolean {
  return verifiedSignerKey !== null && wallet.hasPublicKey(verifiedSignerKey);
}

/** The registered operator of a command that moves a positive amount; else the command's rejection. */
function operatorMoving(environment: ApplyEnvironment, command: LoadCommand | UnloadCommand | IssueCommand | RecallCommand | CreditReserveCommand): OperatorRecord | RejectedResult {
  if (command.amount <= 0n) return reject(command, 'INVALID_AMOUNT', 'amount must be positive');
  return environment.state.operators.get(command.operatorId) ?? reject(command, 'UNKNOWN_OPERATOR', `operator ${command.operatorId} is not registered`);
}

/** The command's wallet when it is registered and held at `operator`; else the command's rejection. */
function walletOfOperator(environment: ApplyEnvironment, command: LoadCommand | UnloadCommand | ChangeWalletClassCommand, operator: OperatorRecord): WalletRecord | RejectedResult {
  const wallet = environment.state.wallets.get(command.walletId);
  if (wallet === undefined) return reject(command, 'UNKNOWN_WALLET', `wallet ${command.walletId} is not registered`);
  if (wallet.operator !== operator) return reject(command, 'WALLET_NOT_OF_OPERATOR', `wallet ${command.walletId} belongs to another operator`);
  return wallet;
}

function isRejected(value: OperatorRecord | WalletRecord | RejectedResult): value is RejectedResult {
  return (value as Partial<RejectedResult>).status === 'rejected';
}

function applyPayment(environment: ApplyEnvironment, command: PaymentCommand): AcceptedResult | RejectedResult {
  const amount = command.amount;
  if (amount <= 0n) return reject(command, 'INVALID_AMOUNT', 'amount must be positive');
  if (command.payerWalletId === command.payeeWalletId) return reject(command, 'SAME_WALLET', 'payer and payee are the same wallet');
  const wallets = environment.state.wallets;
  const payer = wallets.get(command.payerWalletId);
  if (payer === undefined) return reject(command, 'UNKNOWN_WALLET', `payer wallet ${command.payerWalletId} is not registered`);
  const payee = wallets.get(command.payeeWalletId);
  if (payee === undefined) return reject(command, 'UNKNOWN_PAYEE', `payee wallet ${command.payeeWalletId} is not registered`);
  if (!signedBy(command.verifiedSignerKey, payer)) return reject(command, 'BAD_SIGNATURE', "no valid signature of the payer wallet's registered key");
  if (command.counter <= payer.lastCounter) return reject(command, 'STALE_COUNTER', `counter must exceed ${payer.lastCounter}`);
  if (payer.account.balance < amount) return reject(command, 'INSUFFICIENT_FUNDS', 'payer balance is below the amount');
  const classLimits = environment.policy.classLimits;
  const limits = classLimits[payer.walletClass];
  if (amount > limits.singlePayment) {
    return reject(command, 'CLASS_LIMIT_SINGLE', `class ${payer.walletClass} single-payment limit is ${limits.singlePayment} fen`);
  }
  // Windows only move forward, so a clock that steps back cannot reopen a spent day or year.
  const dayKey = environment.dayKey > payer.dayKey ? environment.dayKey : payer.dayKey;
  const dayTotal = (dayKey === payer.dayKey ? payer.dayTotal : 0n) + amount;
  if (dayTotal > limits.daily) return reject(command, 'CLASS_LIMIT_DAILY', `class ${payer.walletClass} daily limit is ${limits.daily} fen`);
  const yearKey = environment.yearKey > payer.yearKey ? environment.yearKey : payer.yearKey;
  const yearTotal = (yearKey === payer.yearKey ? payer.yearTotal : 0n) + amount;
  if (yearTotal > limits.annual) return reject(command, 'CLASS_LIMIT_ANNUAL', `class ${payer.walletClass} annual limit is ${limits.annual} fen`);
  if (payee.account.balance + amount > classLimits[payee.walletClass].balanceCap) {
    return reject(command, 'CLASS_LIMIT_BALANCE', "the payment would take the payee wallet over its class's balance cap");
  }
  if (environment.mutate) {
    payer.lastCounter = command.counter;
    payer.dayKey = dayKey;
    payer.dayTotal = dayTotal;
    payer.yearKey = yearKey;
    payer.yearTotal = yearTotal;
    touchWallet(environment, payer);
    const payerOperator = payer.operator;
    const payeeOperator = payee.operator;
    if (payerOperator !== payeeOperator) {
      payerOperator.crossOperatorNet -= amount;
      payeeOperator.crossOperatorNet += amount;
      environment.touchedOperators.add(payerOperator);
      environment.touchedOperators.add(payeeOperator);
    }
  }
  const transfer = post(environment, payer.account, payee.account, amount);
  return accept(command, [transfer], amount >= environment.policy.largeValueThreshold);
}

function applyLoad(environment: ApplyEnvironment, command: LoadCommand): AcceptedResult | RejectedResult {
  const amount = command.amount;
  const operator = operatorMoving(environment, command);
  if (isRejected(operator)) return operator;
  const wallet = walletOfOperator(environment, command, operator);
  if (isRejected(wallet)) return wallet;
  if (operator.vault.balance < amount) return reject(command, 'INSUFFICIENT_FUNDS', 'the vault holds less DC than the amount');
  if (wallet.account.balance + amount > environment.policy.classLimits[wallet.walletClass].balanceCap) {
    return reject(command, 'CLASS_LIMIT_BALANCE', `the load would take the wallet over the class ${wallet.walletClass} balance cap`);
  }
  return accept(command, [post(environment, operator.vault, wallet.account, amount)], false);
}

function applyUnload(environment: ApplyEnvironment, command: UnloadCommand): AcceptedResult | RejectedResult {
  const amount = command.amount;
  const operator = operatorMoving(environment, command);
  if (isRejected(operator)) return operator;
  const wallet = walletOfOperator(environment, command, operator);
  if (isRejected(wallet)) return wallet;
  if (!signedBy(command.verifiedSignerKey, wallet)) return reject(command, 'BAD_SIGNATURE', "no valid signature of the wallet's registered key");
  if (command.counter <= wallet.lastCounter) return reject(command, 'STALE_COUNTER', `counter must exceed ${wallet.lastCounter}`);
  if (wallet.account.balance < amount) return reject(command, 'INSUFFICIENT_FUNDS', 'wallet balance is below the amount');
  if (environment.mutate) {
    wallet.lastCounter = command.counter;
    touchWallet(environment, wallet);
  }
  return accept(command, [post(environment, wallet.account, operator.vault, amount)], false);
}

function applyIssue(environment: ApplyEnvironment, command: IssueCommand): AcceptedResult | RejectedResult {
  const amount = command.amount;
  const operator = operatorMoving(environment, command);
  if (isRejected(operator)) return operator;
  const reserveAfter = operator.reserve.balance - amount;
  if (reserveAfter < 0n) return reject(command, 'INSUFFICIENT_RESERVES', 'reserves are below the amount to convert');
  // Above 100%, the operator also keeps (ratio - 100%) of its net issued DC as unconverted reserves.
  const surplusBps = BigInt(operator.reserveRatioBps) - basisPointsPerUnit;
  const netIssuedAfter = operator.issued + amount - operator.recalled;
  if (surplusBps > 0n && reserveAfter * basisPointsPerUnit < surplusBps * netIssuedAfter) {
    return reject(command, 'INSUFFICIENT_RESERVES', `a reserve ratio of ${operator.reserveRatioBps} bps needs more reserves left after the issue`);
  }
  if (environment.mutate) {
    operator.issued += amount;
    environment.state.totals.issued += amount;
    environment.touchedOperators.add(operator);
  }
  return accept(command, [post(environment, operator.reserve, operator.vault, amount)], false);
}

function applyRecall(environment: ApplyEnvironment, command: RecallCommand): AcceptedResult | RejectedResult {
  const amount = command.amount;
  const operator = operatorMoving(environment, command);
  if (isRejected(operator)) return operator;
  if (operator.vault.balance < amount) return reject(command, 'INSUFFICIENT_FUNDS', 'the vault holds less DC than the amount');
  if (environment.mutate) {
    operator.recalled += amount;
    environment.state.totals.recalled += amount;
    environment.touchedOperators.add(operator);
  }
  return accept(command, [post(environment, operator.vault, operator.reserve, amount)], false);
}

function applyCreditReserve(environment: ApplyEnvironment, command: CreditReserveCommand): AcceptedResult | RejectedResult {
  const amount = command.amount;
  const operator = operatorMoving(environment, command);
  if (isRejected(operator)) return operator;
  // Only reserve credits add money to the ledger, so bounding rtgs keeps every balance in 64 bits.
  if (environment.state.rtgs.balance - amount < balanceMin) return reject(command, 'INVALID_AMOUNT', 'the credit would exceed the range of the ledger');
  if (environment.mutate) {
    operator.reserveCredited += amount;
    environment.touchedOperators.add(operator);
  }
  return accept(command, [post(environment, environment.state.rtgs, operator.reserve, amount)], false);
}

function applyRegisterOperator(environment: ApplyEnvironment, command: RegisterOperatorCommand): AcceptedResult | RejectedResult {
  const reserveRatioBps = command.reserveRatioBps ?? reserveRatioBpsDefault;
  if (!Number.isInteger(reserveRatioBps) || reserveRatioBps < reserveRatioBpsMin || reserveRatioBps > reserveRatioBpsMax) {
    return reject(command, 'INVALID_RESERVE_RATIO', `reserveRatioBps must be an integer in [${reserveRatioBpsMin}, ${reserveRatioBpsMax}]`);
  }
  if (command.issueQuotaAuto < 0n) return reject(command, 'INVALID_AMOUNT', 'issueQuotaAuto must not be negative');
  if (environment.state.operators.has(command.operatorId)) return reject(command, 'OPERATOR_EXISTS', `operator ${command.operatorId} is already registered`);
  if (environment.mutate) {
    const operator = insertOperator(environment.state, {
      operatorId: command.operatorId,
      name: command.name,
      operatorKind: command.operatorKind,
      publicKey: command.publicKey,
      reserveRatioBps,
      issueQuotaAuto: command.issueQuotaAuto,
      reserveCredited: 0n,
      issued: 0n,
      recalled: 0n,
      crossOperatorNet: 0n,
      reserveBalance: 0n,
      vaultBalance: 0n,
    });
    environment.touchedOperators.add(operator);
    touchAccount(environment, operator.reserve);
    touchAccount(environment, operator.vault);
  }
  return accept(command, noTransfers, false);
}

function applyRegisterWallet(environment: ApplyEnvironment, command: RegisterWalletCommand): AcceptedResult | RejectedResult {
  const walletClass = command.walletClass;
  if (!isWalletClass(walletClass)) return reject(command, 'INVALID_CLASS', 'walletClass must be 1, 2, 3 or 4');
  if (!environment.state.operators.has(command.operatorId)) return reject(command, 'UNKNOWN_OPERATOR', `operator ${command.operatorId} is not registered`);
  if (environment.state.wallets.has(command.walletId)) return reject(command, 'WALLET_EXISTS', `wallet ${command.walletId} is already registered`);
  if (environment.mutate) {
    const wallet = insertWallet(environment.state, {
      walletId: command.walletId,
      operatorId: command.operatorId,
      walletClass,
      publicKey: command.publicKey,
      escrow: command.escrow ?? null,
      balance: 0n,
      lastCounter: 0n,
      dayKey: environment.dayKey,
      dayTotal: 0n,
      yearKey: environment.yearKey,
      yearTotal: 0n,
    });
    touchWallet(environment, wallet);
    touchAccount(environment, wallet.account);
  }
  return accept(command, noTransfers, false);
}

function applyChangeWalletClass(environment: ApplyEnvironment, command: ChangeWalletClassCommand): AcceptedResult | RejectedResult {
  const walletClass = command.walletClass;
  if (!isWalletClass(walletClass)) return reject(command, 'INVALID_CLASS', 'walletClass must be 1, 2, 3 or 4');
  const operator = environment.state.operators.get(command.operatorId);
  if (operator === undefined) return reject(command, 'UNKNOWN_OPERATOR', `operator ${command.operatorId} is not registered`);
  const wallet = walletOfOperator(environment, command, operator);
  if (isRejected(wallet)) return wallet;
  if (environment.mutate) {
    wallet.walletClass = walletClass;
    touchWallet(environment, wallet);
  }
  return accept(command, noTransfers, false);
}

function isId(value: unknown, lengthMax: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= lengthMax;
}

function isPublicKey(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === ed25519PublicKeyBytes;
}

function isCounter(value: unknown): boolean {
  return typeof value === 'bigint' && value >= 0n && value <= counterMax;
}

function isSignerKey(value: unknown): boolean {
  return value === null || value instanceof Uint8Array;
}

/**
 * Asserts the shape schema validation guarantees; throws `LedgerAssertionError` otherwise.
 * `applyBatch` runs it over the whole batch before it moves anything.
 */
export function assertLedgerCommand(command: LedgerCommand): void {
  if (typeof command !== 'object' || command === null) throw new LedgerAssertionError('a ledger command must be an object');
  if (!isId(command.commandId, commandIdLengthMax)) throw new LedgerAssertionError(`commandId must be a non-empty string of at most ${commandIdLengthMax} characters`);
  let ok: boolean;
  switch (command.kind) {
    case 'payment':
      ok = typeof command.payerWalletId === 'string' && typeof command.payeeWalletId === 'string' && typeof command.amount === 'bigint'
        && isCounter(command.counter) && isSignerKey(command.verifiedSignerKey);
      break;
    case 'load':
      ok = typeof command.operatorId === 'string' && typeof command.walletId === 'string' && typeof command.amount === 'bigint';
      break;
    case 'unload':
      ok = typeof command.operatorId === 'string' && typeof command.walletId === 'string' && typeof command.amount === 'bigint'
        && isCounter(command.counter) && isSignerKey(command.verifiedSignerKey);
      break;
    case 'issue':
    case 'recall':
    case 'credit-reserve':
      ok = typeof command.operatorId === 'string' && typeof command.amount === 'bigint';
      break;
    case 'register-wallet':
      ok = isId(command.walletId, entityIdLengthMax) && typeof command.operatorId === 'string' && typeof command.walletClass === 'number'
        && isPublicKey(command.publicKey) && (command.escrow === undefined || command.escrow instanceof Uint8Array);
      break;
    case 'change-wallet-class':
      ok = typeof command.operatorId === 'string' && typeof command.walletId === 'string' && typeof command.walletClass === 'number';
      break;
    case 'register-operator':
      ok = isId(command.operatorId, entityIdLengthMax) && isId(command.name, operatorNameLengthMax) && operatorKinds.includes(command.operatorKind)
        && isPublicKey(command.publicKey) && (command.reserveRatioBps === undefined || typeof command.reserveRatioBps === 'number')
        && typeof command.issueQuotaAuto === 'bigint';
      break;
    case 'audit-record':
      ok = command.digest instanceof Uint8Array && command.digest.length === auditDigestBytes;
      break;
    default:
      return unreachable(command);
  }
  if (!ok) throw new LedgerAssertionError(`malformed ${command.kind} command ${command.commandId}`);
}
