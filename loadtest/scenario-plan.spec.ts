// Proves the scenario plans: round-robin payers with strictly increasing counters, payees by scenario, the lifecycle mix and derived request ids, and the class-limit check.
import { createWalletKeys, paymentIdForRequest, parsePaymentRequestUri } from '@cbdc/wallet-sdk';
import { lifecycleMix, merchantAmountMaxFen, operationCount, planLimitProblems, planOperations, retailAmountMaxFen, type PlanWallet, type PlanInput } from './scenario-plan';
import { seededRandom } from './zipf-sampler';

function wallets(count: number, lastCounter = 0n, balance = 10_000n): PlanWallet[] {
  return Array.from({ length: count }, (_, index) => ({ walletId: createWalletKeys().walletId, bank: index % 2 === 0 ? 'bank-a' : 'bank-b', lastCounter, balance, dayTotal: 0n }));
}

function input(overrides: Partial<PlanInput>): PlanInput {
  return { scenario: 'retail', runId: 'r1', rate: 100, durationSeconds: 3, persons: wallets(30), merchants: [], zipfExponent: 1.1, random: seededRandom(1), ...overrides };
}

describe('planOperations', () => {
  it('plans rate × duration payments, payers round-robin, each wallet’s counters strictly increasing from its ledger counter', () => {
    const persons = wallets(30, 7n);
    const plan = planOperations(input({ persons }));
    expect(plan).toHaveLength(operationCount(100, 3));
    plan.forEach((operation, index) => expect(operation.payer).toBe(persons[index % 30]));
    const last = new Map<string, bigint>();
    for (const operation of plan) {
      const previous = last.get(operation.payer.walletId) ?? 7n;
      expect(operation.counter! > previous).toBe(true);
      last.set(operation.payer.walletId, operation.counter!);
    }
    expect(new Set(plan.map((o) => o.id)).size).toBe(plan.length);
  });

  it('never lets a wallet pay itself, and spreads retail payees over both banks', () => {
    const persons = wallets(4);
    const bankOf = new Map(persons.map((w) => [w.walletId, w.bank]));
    const plan = planOperations(input({ persons, rate: 1000, durationSeconds: 1 }));
    const payeeBanks = new Map<string, number>();
    for (const operation of plan) {
      expect(operation.payeeWalletId).not.toBe(operation.payer.walletId);
      expect(operation.amount >= 1n && operation.amount <= BigInt(retailAmountMaxFen)).toBe(true);
      const bank = bankOf.get(operation.payeeWalletId!)!;
      payeeBanks.set(bank, (payeeBanks.get(bank) ?? 0) + 1);
    }
    expect(Math.abs(payeeBanks.get('bank-a')! / plan.length - 0.5)).toBeLessThan(0.05);
  });

  it('continues counters across plans of one process (find-max steps)', () => {
    const persons = wallets(10);
    const countersUsed = new Map<string, bigint>();
    const first = planOperations(input({ persons, rate: 10, durationSeconds: 2, countersUsed }));
    const second = planOperations(input({ persons, rate: 10, durationSeconds: 2, countersUsed, runId: 'r2' }));
    const firstMax = Math.max(...first.filter((o) => o.payer === persons[0]).map((o) => Number(o.counter)));
    const secondMin = Math.min(...second.filter((o) => o.payer === persons[0]).map((o) => Number(o.counter)));
    expect(secondMin).toBeGreaterThan(firstMax);
  });

  it('sends merchant payments to the hot merchants, the hottest most often, with small amounts', () => {
    const merchants = wallets(10);
    const plan = planOperations(input({ scenario: 'merchant', merchants, rate: 2000, durationSeconds: 1 }));
    const counts = new Map<string, number>();
    for (const operation of plan) {
      counts.set(operation.payeeWalletId!, (counts.get(operation.payeeWalletId!) ?? 0) + 1);
      expect(operation.amount <= BigInt(merchantAmountMaxFen)).toBe(true);
    }
    expect([...counts.keys()].every((id) => merchants.some((m) => m.walletId === id))).toBe(true);
    expect(counts.get(merchants[0]!.walletId)!).toBeGreaterThan(counts.get(merchants[9]!.walletId)!);
  });

  it('mixes the lifecycle: pays, request payments with the derived id, loads without counters, unloads with them', () => {
    const merchants = wallets(3);
    const plan = planOperations(input({ scenario: 'lifecycle', merchants, rate: 1000, durationSeconds: 2, requestExpiresAtSeconds: 4_000_000_000 }));
    const kinds = new Map<string, number>();
    for (const operation of plan) kinds.set(operation.kind, (kinds.get(operation.kind) ?? 0) + 1);
    const share = (kind: string) => (kinds.get(kind) ?? 0) / plan.length;
    const expected = Object.fromEntries(lifecycleMix.map(([kind, upTo], index) => [kind, upTo - (index === 0 ? 0 : lifecycleMix[index - 1]![1])]));
    for (const kind of ['pay', 'pay-request', 'load', 'unload']) expect(Math.abs(share(kind) - expected[kind]!)).toBeLessThan(0.05);
    for (const operation of plan) {
      if (operation.kind === 'load') expect(operation.counter).toBeUndefined();
      else expect(operation.counter).toBeDefined();
      if (operation.kind === 'pay-request') {
        expect(operation.id).toBe(paymentIdForRequest(operation.paymentRequest!));
        const request = parsePaymentRequestUri(operation.paymentRequest!, new Date(0));
        expect(request.payeeWalletId).toBe(operation.payeeWalletId);
        expect(request.amount).toBe(operation.amount);
      }
    }
  });

  it('refuses plans it cannot make', () => {
    expect(() => planOperations(input({ persons: wallets(1) }))).toThrow(/two paying wallets/);
    expect(() => planOperations(input({ scenario: 'merchant', merchants: [] }))).toThrow(/merchant wallets/);
  });
});

describe('planLimitProblems', () => {
  const limits = { balanceCap: 200_000n, singlePayment: 200_000n, daily: 200_000n };

  it('finds nothing wrong with a funded retail plan', () => {
    const persons = wallets(30);
    expect(planLimitProblems(planOperations(input({ persons })), persons, limits)).toEqual([]);
  });

  it('names a payer that would spend more than it holds or its daily limit', () => {
    const persons = wallets(2, 0n, 50n);
    const plan = planOperations(input({ persons, rate: 10, durationSeconds: 10 }));
    const problems = planLimitProblems(plan, persons, { ...limits, daily: 60n });
    expect(problems.some((p) => /holds 50/.test(p))).toBe(true);
    expect(problems.some((p) => /daily limit 60/.test(p))).toBe(true);
  });

  it('names a payee that would be credited above its balance cap', () => {
    const persons = wallets(10);
    const merchants = wallets(1, 0n, 199_990n);
    const plan = planOperations(input({ scenario: 'merchant', persons, merchants, rate: 100, durationSeconds: 1 }));
    expect(planLimitProblems(plan, [...persons, ...merchants], limits).some((p) => /above the balance cap/.test(p))).toBe(true);
  });
});
