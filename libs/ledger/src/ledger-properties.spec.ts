// Proves, over random sequences of valid and invalid commands in random batches across days and
// a year end, the ledger invariants: DC conserved, no negative balance, rejected commands change
// nothing, one effect per command id, no class limit exceeded, counters only move forward.
import fc from 'fast-check';
import { isContraAccount } from './accounts';
import { type CommandResult, applyBatch, decide } from './apply-batch';
import { checkInvariants } from './invariants';
import type { LedgerCommand } from './ledger-commands';
import {
  applyAccepted,
  auditRecord,
  changeWalletClass,
  creditReserve,
  issue,
  keyFor,
  load,
  payment,
  recall,
  registerOperator,
  registerWallet,
  unload,
} from './ledger-fixtures';
import { type LedgerState, type WalletRecord, createLedgerState, snapshotLedgerState } from './ledger-state';
import { type LedgerPolicy, type WalletClass, calendarKeys, createPolicy } from './policy';

const policy: LedgerPolicy = createPolicy({
  classLimits: {
    1: { balanceCap: 10_000n, singlePayment: 1_500n, daily: 1_600n, annual: 2_200n },
    2: { balanceCap: 5_000n, singlePayment: 1_000n, daily: 1_100n, annual: 1_500n },
    3: { balanceCap: 3_000n, singlePayment: 600n, daily: 700n, annual: 1_000n },
    4: { balanceCap: 1_500n, singlePayment: 400n, daily: 450n, annual: 600n },
  },
  largeValueThreshold: 1_000n,
});
/** 29 December 2025, 16:00 in China: random clock steps cross several days and the year end. */
const startMs = Date.UTC(2025, 11, 29, 8, 0, 0);
const hourMs = 3_600_000;

const homeOf: Readonly<Record<string, string>> = { w1: 'op-a', w2: 'op-a', w3: 'op-b', w4: 'op-b', w5: 'op-c', w6: 'op-a' };
const operatorIds = ['op-a', 'op-b', 'op-c', 'op-ghost'];
const walletIds = [...Object.keys(homeOf), 'ghost'];

/** op-a and op-b funded, w1..w4 open in classes 1..4 with some DC; op-c, w5, w6 left to register. */
function seededLedger(): LedgerState {
  const state = createLedgerState();
  const context = { nowMs: startMs, policy };
  applyAccepted(state, [
    registerOperator('op-a'), registerOperator('op-b'),
    creditReserve('op-a', 100_000n), creditReserve('op-b', 100_000n),
    issue('op-a', 40_000n), issue('op-b', 40_000n),
    registerWallet('w1', 'op-a', 1), registerWallet('w2', 'op-a', 2), registerWallet('w3', 'op-b', 3), registerWallet('w4', 'op-b', 4),
    load('op-a', 'w1', 6_000n), load('op-a', 'w2', 3_000n), load('op-b', 'w3', 2_000n), load('op-b', 'w4', 1_000n),
  ], context);
  return state;
}

/** Builds a command given its position in the whole run, from which counters grow. */
type Draft = (position: number) => LedgerCommand;
/** Mostly small amounts, so limits are reached over several payments; sometimes zero or negative. */
const amount = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(0n, -1n) },
  { weight: 10, arbitrary: fc.bigInt({ min: 1n, max: 700n }) },
  { weight: 3, arbitrary: fc.bigInt({ min: 701n, max: 2_000n }) },
);
const bigAmount = fc.oneof({ weight: 1, arbitrary: fc.constant(0n) }, { weight: 8, arbitrary: fc.bigInt({ min: 1n, max: 50_000n }) });
/** Mostly the registered operators and wallets, sometimes ones not (yet) registered. */
const operator = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('op-a', 'op-b') }, { weight: 1, arbitrary: fc.constantFrom(...operatorIds) });
const wallet = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('w1', 'w2', 'w3', 'w4') }, { weight: 1, arbitrary: fc.constantFrom(...walletIds) });
const walletClass = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 4 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 5) });
/** Counters follow the position in the run, so they mostly grow; sometimes they lag behind (stale). */
const counterLag = fc.oneof({ weight: 6, arbitrary: fc.constant(0n) }, { weight: 1, arbitrary: fc.bigInt({ min: 1n, max: 6n }) });
const counterAt = (position: number, lag: bigint): bigint => (BigInt(position) - lag < 0n ? 0n : BigInt(position) - lag);
/** Payer and payee, seldom the same wallet. */
const payerAndPayee = fc.tuple(wallet, wallet, fc.integer({ min: 0, max: 7 })).map(([payer, payee, coin]): [string, string] => {
  if (payer !== payee || coin === 0) return [payer, payee];
  return [payer, payer === 'w1' ? 'w2' : 'w1'];
});
/** Usually the operator the wallet really belongs to, sometimes another. */
const operatorFor = (walletId: string) => fc.oneof({ weight: 5, arbitrary: fc.constant(homeOf[walletId] ?? 'op-a') }, { weight: 1, arbitrary: operator });
/** Usually a signature under the wallet's own key, sometimes under another key or none. */
const signer = (walletId: string) => fc.oneof(
  { weight: 14, arbitrary: fc.constant<Uint8Array | null>(keyFor(`wallet:${walletId}`)) },
  { weight: 1, arbitrary: fc.constant<Uint8Array | null>(null) },
  { weight: 1, arbitrary: fc.constant<Uint8Array | null>(keyFor('wallet:someone-else')) },
);

const draft: fc.Arbitrary<Draft> = fc.oneof(
  { weight: 12, arbitrary: fc.tuple(payerAndPayee, amount, counterLag).chain(([[payer, payee], value, lag]) => signer(payer).map((key): Draft => (position) => payment(payer, payee, value, counterAt(position, lag), key))) },
  { weight: 4, arbitrary: wallet.chain((walletId) => fc.tuple(operatorFor(walletId), amount).map(([operatorId, value]): Draft => () => load(operatorId, walletId, value))) },
  { weight: 2, arbitrary: wallet.chain((walletId) => fc.tuple(operatorFor(walletId), amount, counterLag, signer(walletId)).map(([operatorId, value, lag, key]): Draft => (position) => unload(operatorId, walletId, value, counterAt(position, lag), key))) },
  { weight: 2, arbitrary: fc.tuple(operator, bigAmount).map(([operatorId, value]): Draft => () => issue(operatorId, value)) },
  { weight: 1, arbitrary: fc.tuple(operator, bigAmount).map(([operatorId, value]): Draft => () => recall(operatorId, value)) },
  { weight: 2, arbitrary: fc.tuple(operator, bigAmount).map(([operatorId, value]): Draft => () => creditReserve(operatorId, value)) },
  { weight: 2, arbitrary: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('w5', 'w6') }, { weight: 1, arbitrary: wallet }).chain((walletId) => fc.tuple(operatorFor(walletId), walletClass).map(([operatorId, value]): Draft => () => registerWallet(walletId, operatorId, value))) },
  { weight: 2, arbitrary: wallet.chain((walletId) => fc.tuple(operatorFor(walletId), walletClass).map(([operatorId, value]): Draft => () => changeWalletClass(operatorId, walletId, value))) },
  { weight: 1, arbitrary: fc.constant<Draft>(() => auditRecord()) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('op-c', 'op-c', 'op-a'), fc.constantFrom(undefined, 10_000, 12_000, 9_000)).map(([operatorId, reserveRatioBps]): Draft => () => registerOperator(operatorId, { reserveRatioBps })) },
);

/** A fresh command, or (sometimes) the very same command as an earlier step: a client retry. */
const step = fc.record({ draft, repeatOf: fc.oneof({ weight: 12, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat() }) });
const batches = fc.array(fc.record({ steps: fc.array(step, { minLength: 2, maxLength: 16, size: 'max' }), advanceHours: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 4 }) }, { weight: 1, arbitrary: fc.integer({ min: 5, max: 40 }) }) }), { minLength: 1, maxLength: 8, size: 'max' });

interface Batch {
  readonly nowMs: number;
  readonly commands: readonly LedgerCommand[];
}

type GeneratedBatches = readonly { readonly steps: readonly { readonly draft: Draft; readonly repeatOf: number | null }[]; readonly advanceHours: number }[];

function materialize(generated: GeneratedBatches): Batch[] {
  const issued: LedgerCommand[] = [];
  let nowMs = startMs;
  return generated.map(({ steps, advanceHours }) => {
    nowMs += advanceHours * hourMs;
    const commands = steps.map(({ draft: make, repeatOf }) => {
      const command = repeatOf !== null && issued.length > 0 ? issued[repeatOf % issued.length] : make(issued.length);
      issued.push(command);
      return command;
    });
    return { nowMs, commands };
  });
}

/** An independent model of what the ledger must have done, rebuilt from the accepted results only. */
class Model {
  readonly balances = new Map<string, bigint>();
  readonly classOf = new Map<string, number>();
  readonly lastCounter = new Map<string, bigint>();
  readonly windowTotals = new Map<string, bigint>();
  readonly answered = new Set<string>();
  issued = 0n;
  recalled = 0n;

  constructor(state: LedgerState) {
    for (const [accountId, account] of state.accounts) this.balances.set(accountId, account.balance);
    for (const [walletId, record] of state.wallets) {
      this.classOf.set(walletId, record.walletClass);
      this.lastCounter.set(walletId, record.lastCounter);
    }
    this.issued = state.totals.issued;
    this.recalled = state.totals.recalled;
  }

  balance(accountId: string): bigint {
    return this.balances.get(accountId) ?? 0n;
  }

  limitsOf(walletId: string) {
    return policy.classLimits[this.classOf.get(walletId) as WalletClass];
  }

  /** Adds to a payer's window and returns the new total. */
  addToWindow(walletId: string, window: string, value: bigint): bigint {
    const key = `${walletId}|${window}`;
    const total = (this.windowTotals.get(key) ?? 0n) + value;
    this.windowTotals.set(key, total);
    return total;
  }

  expectCounterMovesForward(walletId: string, next: bigint): void {
    expect(next).toBeGreaterThan(this.lastCounter.get(walletId) ?? 0n);
    this.lastCounter.set(walletId, next);
  }

  record(command: LedgerCommand, result: CommandResult, nowMs: number): void {
    if (result.status !== 'accepted') return;
    for (const transfer of result.transfers) {
      expect(transfer.amount).toBeGreaterThan(0n);
      expect(transfer.debit).not.toBe(transfer.credit);
      this.balances.set(transfer.debit, this.balance(transfer.debit) - transfer.amount);
      this.balances.set(transfer.credit, this.balance(transfer.credit) + transfer.amount);
    }
    const { dayKey, yearKey } = calendarKeys(nowMs, policy.calendarUtcOffsetMinutes);
    switch (command.kind) {
      case 'payment': {
        const limits = this.limitsOf(command.payerWalletId);
        expect(command.amount).toBeLessThanOrEqual(limits.singlePayment);
        expect(this.addToWindow(command.payerWalletId, `day ${dayKey}`, command.amount)).toBeLessThanOrEqual(limits.daily);
        expect(this.addToWindow(command.payerWalletId, `year ${yearKey}`, command.amount)).toBeLessThanOrEqual(limits.annual);
        expect(this.balance(`wallet:${command.payeeWalletId}`)).toBeLessThanOrEqual(this.limitsOf(command.payeeWalletId).balanceCap);
        expect(result.largeValue).toBe(command.amount >= policy.largeValueThreshold);
        this.expectCounterMovesForward(command.payerWalletId, command.counter);
        break;
      }
      case 'unload':
        this.expectCounterMovesForward(command.walletId, command.counter);
        break;
      case 'load':
        expect(this.balance(`wallet:${command.walletId}`)).toBeLessThanOrEqual(this.limitsOf(command.walletId).balanceCap);
        break;
      case 'register-wallet':
      case 'change-wallet-class':
        this.classOf.set(command.walletId, command.walletClass);
        break;
      case 'issue':
        this.issued += command.amount;
        break;
      case 'recall':
        this.recalled += command.amount;
        break;
      default:
        break;
    }
  }

  expectMatches(state: LedgerState): void {
    let digitalCash = 0n;
    for (const [accountId, account] of state.accounts) {
      expect([accountId, account.balance]).toEqual([accountId, this.balance(accountId)]);
      if (!isContraAccount(accountId)) expect(account.balance).toBeGreaterThanOrEqual(0n);
      if (accountId.startsWith('vault:') || accountId.startsWith('wallet:')) digitalCash += account.balance;
    }
    for (const accountId of this.balances.keys()) expect(state.accounts.has(accountId as never)).toBe(true);
    expect(digitalCash).toBe(this.issued - this.recalled);
    expect([state.totals.issued, state.totals.recalled]).toEqual([this.issued, this.recalled]);
  }
}

/**
 * Everything a snapshot holds, as one string: comparing two is much cheaper than a deep equality
 * per command, which keeps the property run short.
 */
function fingerprint(state: LedgerState): string {
  const snapshot = snapshotLedgerState(state);
  const parts: string[] = [String(snapshot.rtgsBalance), String(snapshot.issued), String(snapshot.recalled)];
  for (const operator of snapshot.operators) {
    parts.push(operator.operatorId, operator.name, operator.operatorKind, String(operator.reserveRatioBps), String(operator.issueQuotaAuto), operator.publicKey.join(','),
      String(operator.reserveCredited), String(operator.issued), String(operator.recalled), String(operator.crossOperatorNet), String(operator.reserveBalance), String(operator.vaultBalance));
  }
  for (const wallet of snapshot.wallets) {
    parts.push(wallet.walletId, wallet.operatorId, String(wallet.walletClass), wallet.publicKey.join(','), String(wallet.escrow), String(wallet.balance),
      String(wallet.lastCounter), String(wallet.dayKey), String(wallet.dayTotal), String(wallet.yearKey), String(wallet.yearTotal));
  }
  return parts.join('|');
}

/** The fields of a wallet row that the engine must persist when they change (besides the balance). */
function walletFields(record: WalletRecord): string {
  return `${record.walletClass}|${record.lastCounter}|${record.dayKey}|${record.dayTotal}|${record.yearKey}|${record.yearTotal}`;
}

/** What must match between two runs of the same commands: the answer, not where its first copy was. */
function answer(result: CommandResult) {
  return result.status === 'rejected' ? { status: result.status, code: result.code } : result.status === 'accepted' ? result : { status: result.status };
}

describe('ledger properties', () => {
  it('hold over random batches, applied as batches and one command at a time', () => {
    fc.assert(
      fc.property(batches, (generated) => {
        const plan = materialize(generated);

        // Batched, as the engine applies them, checked against the independent model.
        const state = seededLedger();
        const model = new Model(state);
        const batchedAnswers: ReturnType<typeof answer>[] = [];
        for (const { nowMs, commands } of plan) {
          const balancesBefore = new Map(Array.from(state.accounts, ([accountId, account]) => [accountId, account.balance]));
          const walletsBefore = new Map(Array.from(state.wallets, ([walletId, record]) => [walletId, walletFields(record)]));
          const outcome = applyBatch(state, commands, { nowMs, policy, seenCommandIds: model.answered });
          // The engine writes what the outcome lists: every change must be listed, each once.
          const listedAccounts = new Set(outcome.accounts.map((account) => account.accountId));
          const listedWallets = new Set(outcome.wallets.map((record) => record.walletId));
          expect([listedAccounts.size, listedWallets.size]).toEqual([outcome.accounts.length, outcome.wallets.length]);
          for (const [accountId, account] of state.accounts) if (balancesBefore.get(accountId) !== account.balance) expect(listedAccounts).toContain(accountId);
          for (const [walletId, record] of state.wallets) if (walletsBefore.get(walletId) !== walletFields(record)) expect(listedWallets).toContain(walletId);
          const firstIndexInBatch = new Map<string, number>();
          outcome.results.forEach((result, index) => {
            const command = commands[index];
            const first = firstIndexInBatch.get(command.commandId);
            if (first !== undefined) expect(result).toMatchObject({ status: 'duplicate', firstIndexInBatch: first });
            else if (model.answered.has(command.commandId)) expect(result).toMatchObject({ status: 'duplicate', firstIndexInBatch: null });
            else {
              expect(result.status).not.toBe('duplicate');
              firstIndexInBatch.set(command.commandId, index);
            }
            model.record(command, result, nowMs);
            batchedAnswers.push(answer(result));
          });
          for (const commandId of firstIndexInBatch.keys()) model.answered.add(commandId);
          model.expectMatches(state);
          expect(checkInvariants(state)).toEqual([]);
        }

        // One command at a time: decide agrees and moves nothing; a rejection moves nothing.
        const single = seededLedger();
        const answered = new Set<string>();
        const singleAnswers: ReturnType<typeof answer>[] = [];
        for (const { nowMs, commands } of plan) {
          for (const command of commands) {
            const context = { nowMs, policy, seenCommandIds: answered };
            const before = fingerprint(single);
            const decided = decide(single, command, context);
            expect(fingerprint(single)).toBe(before);
            const result = applyBatch(single, [command], context).results[0];
            expect(result).toEqual(decided);
            if (result.status !== 'accepted') expect(fingerprint(single)).toBe(before);
            answered.add(command.commandId);
            singleAnswers.push(answer(result));
          }
        }
        expect(singleAnswers).toEqual(batchedAnswers);
        expect(fingerprint(single)).toBe(fingerprint(state));

        // Replaying everything once more has no effect at all.
        const everything = plan.flatMap((batch) => batch.commands);
        const settled = fingerprint(state);
        const replay = applyBatch(state, everything, { nowMs: plan[plan.length - 1].nowMs, policy, seenCommandIds: model.answered });
        expect(replay.duplicateCount).toBe(everything.length);
        expect(fingerprint(state)).toBe(settled);
      }),
      { numRuns: 100 },
    );
  });
});
