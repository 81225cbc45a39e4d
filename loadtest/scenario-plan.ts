/**
 * What a run will send, decided before it starts: which wallet pays whom, how much, with which
 * counter and id, and the class-limit check that the plan can succeed at all. Pure (randomness
 * from a seeded source), so the rules are tested without a system.
 *
 * Invariants of every plan:
 * - payers take turns round-robin, so with W wallets at R payments/s one wallet pays every W/R
 *   seconds: far more than any latency, so its payments reach the ledger in counter order;
 * - a wallet's counters strictly increase across the plan, starting above its ledger counter;
 * - no payer pays itself.
 */
import { paymentIdForRequest, formatPaymentRequestUri } from '@cbdc/wallet-sdk';
import type { ScenarioName } from './loadtest-args';
import { randomInteger, type RandomSource, ZipfSampler } from './zipf-sampler';

/** A wallet of the load test's pool as the planner sees it. */
export interface PlanWallet {
  readonly walletId: string;
  /** The operator that runs it (its payments go to that bank's API). */
  readonly bank: string;
  /** The ledger's last accepted counter. */
  readonly lastCounter: bigint;
  /** Balance when the run starts, fen. */
  readonly balance: bigint;
  /** Outgoing payments already made today (the ledger's day total), fen. */
  readonly dayTotal: bigint;
}

export interface ClassLimitsFen {
  readonly balanceCap: bigint;
  readonly singlePayment: bigint;
  readonly daily: bigint;
}

export type OperationKind = 'pay' | 'pay-request' | 'load' | 'unload';

export interface PlannedOperation {
  readonly kind: OperationKind;
  /** Position in the run: operation i is sent at i / rate seconds. */
  readonly index: number;
  readonly payer: PlanWallet;
  /** The payee (pay, pay-request); absent for load and unload. */
  readonly payeeWalletId?: string;
  readonly amount: bigint;
  /** The payer's counter (pay, pay-request, unload share one sequence). */
  readonly counter?: bigint;
  /** Payment id, load id or unload id: unique in the run. */
  readonly id: string;
  /** The merchant's payment request URI (pay-request only). */
  readonly paymentRequest?: string;
}

export interface PlanInput {
  readonly scenario: ScenarioName;
  readonly runId: string;
  readonly rate: number;
  readonly durationSeconds: number;
  /** Paying wallets, interleaved across banks. */
  readonly persons: readonly PlanWallet[];
  /** Hot merchant wallets (merchant and lifecycle scenarios). */
  readonly merchants: readonly PlanWallet[];
  readonly zipfExponent: number;
  readonly random: RandomSource;
  /** When a payment request's URI expires (lifecycle), seconds since 1970. */
  readonly requestExpiresAtSeconds?: number;
  /** Counters handed out by earlier plans of this process (find-max steps), by wallet id. */
  readonly countersUsed?: Map<string, bigint>;
}

/** Fen of one person-to-person payment, at most (1 yuan): small enough that no daily limit binds. */
export const retailAmountMaxFen = 100;
/** Fen of one payment to a hot merchant, at most: hot merchants receive a large share of all payments. */
export const merchantAmountMaxFen = 3;
/** Fen of one load or unload in the lifecycle scenario, at most. */
export const lifecycleLoadAmountMaxFen = 500;
/** The lifecycle mix, cumulative: pay 55 %, pay a request 20 %, load 15 %, unload 10 %. */
export const lifecycleMix: readonly (readonly [OperationKind, number])[] = [
  ['pay', 0.55],
  ['pay-request', 0.75],
  ['load', 0.9],
  ['unload', 1],
];

export function operationCount(rate: number, durationSeconds: number): number {
  return Math.max(1, Math.round(rate * durationSeconds));
}

function lifecycleKind(draw: number): OperationKind {
  for (const [kind, upTo] of lifecycleMix) if (draw < upTo) return kind;
  return 'pay';
}

/** Builds the run's operations in send order. */
export function planOperations(input: PlanInput): PlannedOperation[] {
  const { persons, merchants, random } = input;
  if (persons.length < 2) throw new Error('a plan needs at least two paying wallets');
  if (input.scenario !== 'retail' && merchants.length === 0) throw new Error(`the ${input.scenario} scenario needs merchant wallets`);
  const zipf = merchants.length > 0 ? new ZipfSampler(merchants.length, input.zipfExponent) : null;
  const counters = input.countersUsed ?? new Map<string, bigint>();
  const nextCounter = (wallet: PlanWallet): bigint => {
    const last = counters.get(wallet.walletId) ?? wallet.lastCounter;
    const next = last + 1n;
    counters.set(wallet.walletId, next);
    return next;
  };
  const count = operationCount(input.rate, input.durationSeconds);
  const operations: PlannedOperation[] = [];
  for (let index = 0; index < count; index++) {
    const payer = persons[index % persons.length]!;
    const kind: OperationKind = input.scenario === 'lifecycle' ? lifecycleKind(random()) : 'pay';
    const id = `lt-${input.runId}-${index}`;
    if (kind === 'load') {
      operations.push({ kind, index, payer, amount: BigInt(randomInteger(random, 1, lifecycleLoadAmountMaxFen)), id });
      continue;
    }
    if (kind === 'unload') {
      operations.push({ kind, index, payer, amount: BigInt(randomInteger(random, 1, retailAmountMaxFen)), counter: nextCounter(payer), id });
      continue;
    }
    if (kind === 'pay-request') {
      const merchant = merchants[zipf!.sample(random)]!;
      const amount = BigInt(randomInteger(random, 1, merchantAmountMaxFen));
      const uri = formatPaymentRequestUri({
        payeeWalletId: merchant.walletId,
        amount,
        reference: id,
        expiresAt: new Date((input.requestExpiresAtSeconds ?? 4_102_444_800) * 1000),
        operatorId: merchant.bank,
      });
      operations.push({ kind, index, payer, payeeWalletId: merchant.walletId, amount, counter: nextCounter(payer), id: paymentIdForRequest(uri), paymentRequest: uri });
      continue;
    }
    let payeeWalletId: string;
    let amount: bigint;
    if (input.scenario === 'merchant') {
      payeeWalletId = merchants[zipf!.sample(random)]!.walletId;
      amount = BigInt(randomInteger(random, 1, merchantAmountMaxFen));
    } else {
      // Any other person, uniform over both banks: draw among the others by skipping the payer.
      const draw = randomInteger(random, 0, persons.length - 2);
      payeeWalletId = persons[draw >= index % persons.length ? draw + 1 : draw]!.walletId;
      amount = BigInt(randomInteger(random, 1, retailAmountMaxFen));
    }
    operations.push({ kind: 'pay', index, payer, payeeWalletId, amount, counter: nextCounter(payer), id });
  }
  return operations;
}

/**
 * Why the plan would be refused by the ledger's class limits or balances (empty when it fits):
 * a payer spending more than it holds or than its daily limit, a payee credited above its cap.
 * Loads in the plan are not counted as income, so the check is conservative.
 */
export function planLimitProblems(operations: readonly PlannedOperation[], wallets: readonly PlanWallet[], limits: ClassLimitsFen): string[] {
  const byId = new Map(wallets.map((wallet) => [wallet.walletId, wallet]));
  const out = new Map<string, bigint>();
  const income = new Map<string, bigint>();
  const problems: string[] = [];
  for (const operation of operations) {
    if (operation.kind === 'load') continue;
    if (operation.amount > limits.singlePayment) problems.push(`${operation.id}: ${operation.amount} fen is above the single-payment limit`);
    out.set(operation.payer.walletId, (out.get(operation.payer.walletId) ?? 0n) + operation.amount);
    if (operation.payeeWalletId) income.set(operation.payeeWalletId, (income.get(operation.payeeWalletId) ?? 0n) + operation.amount);
  }
  for (const [walletId, spent] of out) {
    const wallet = byId.get(walletId)!;
    if (spent > wallet.balance) problems.push(`wallet ${walletId} would pay ${spent} fen but holds ${wallet.balance}`);
    if (wallet.dayTotal + spent > limits.daily) problems.push(`wallet ${walletId} would pay ${spent} fen today on top of ${wallet.dayTotal}: above the daily limit ${limits.daily}`);
  }
  for (const [walletId, received] of income) {
    const wallet = byId.get(walletId);
    if (wallet && wallet.balance + received > limits.balanceCap) problems.push(`wallet ${walletId} would receive ${received} fen on top of ${wallet.balance}: above the balance cap ${limits.balanceCap}`);
  }
  return problems;
}
