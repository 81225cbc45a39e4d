// Proves the supply report judges each ledger invariant from the database's totals: all ok for a consistent ledger, and a named failure for each way the totals can disagree.
import { evaluateSupply, type OperatorFacts, type SupplyFacts } from './supply-invariants';

/** Operator A: credited 1,000,000, issued 900,000, recalled 100,000; its wallets paid 5,000 net to B's. */
function operator(overrides: Partial<OperatorFacts> = {}): OperatorFacts {
  return {
    operatorId: 'bank-a',
    reserve: 200_000n,
    vault: 700_000n,
    walletsHeld: 95_000n,
    reserveCredited: 1_000_000n,
    issued: 900_000n,
    recalled: 100_000n,
    crossOperatorNet: -5_000n,
    creditedByCommands: 1_000_000n,
    issuedByCommands: 900_000n,
    recalledByCommands: 100_000n,
    ...overrides,
  };
}

const operatorB: OperatorFacts = {
  operatorId: 'bank-b',
  reserve: 0n,
  vault: 0n,
  walletsHeld: 5_000n,
  reserveCredited: 0n,
  issued: 0n,
  recalled: 0n,
  crossOperatorNet: 5_000n,
  creditedByCommands: 0n,
  issuedByCommands: 0n,
  recalledByCommands: 0n,
};

function facts(overrides: Partial<SupplyFacts> = {}): SupplyFacts {
  return {
    issuedByCommands: 900_000n,
    recalledByCommands: 100_000n,
    heldInVaults: 700_000n,
    heldInWallets: 100_000n,
    // rtgs -1,000,000 + reserves 200,000 + vaults 700,000 + wallets 100,000.
    balanceSum: 0n,
    rtgsBalance: -1_000_000n,
    negativeCount: 0n,
    negativeSamples: [],
    commandCount: 10n,
    distinctCommandIds: 10n,
    acceptedCount: 8n,
    sequenceCount: 8n,
    distinctSequences: 8n,
    operators: [operator(), operatorB],
    anchor: { blocks: 3n, lowestHeight: 0n, lowestFirstSequence: 1n, brokenLinks: 0n, miscountedBlocks: 0n, unsealedEntries: 0n },
    ...overrides,
  };
}

const asOf = new Date('2026-11-29T12:00:00Z');

function statuses(report: ReturnType<typeof evaluateSupply>): Record<string, string> {
  return Object.fromEntries(report.invariants.map((i) => [i.invariant, i.status]));
}

describe('evaluateSupply', () => {
  it('reports every invariant ok and the totals as decimal strings for a consistent, fully sealed ledger', () => {
    const report = evaluateSupply(facts(), asOf);
    expect(statuses(report)).toEqual({ '1': 'ok', '2': 'ok', '3': 'ok', '5': 'ok' });
    expect(report.ok).toBe(true);
    expect(report).toMatchObject({ outstanding: '800000', issued: '900000', recalled: '100000', reserveCredited: '1000000', asOf: asOf.toISOString() });
    expect(report.operators[0]).toEqual({
      operatorId: 'bank-a',
      reserve: '200000',
      vault: '700000',
      walletsHeld: '95000',
      reserveCredited: '1000000',
      issued: '900000',
      recalled: '100000',
      crossOperatorNet: '-5000',
    });
  });

  it.each<[string, Partial<SupplyFacts>, '1' | '2' | '3', RegExp]>([
    ['DC held differs from outstanding', { heldInWallets: 100_001n }, '1', /DC outstanding 800000 .* != 800001 held/],
    ['a negative account', { negativeCount: 1n, negativeSamples: [{ accountId: 'wallet:w1', balance: -3n }] }, '1', /wallet:w1 -3/],
    ['balances that do not sum to zero', { balanceSum: 7n }, '1', /sum to 7, not zero/],
    ['rtgs that does not mirror the credits', { rtgsBalance: -999_999n }, '1', /rtgs -999999/],
    ['books that disagree with the commands', { issuedByCommands: 900_001n, heldInWallets: 100_001n }, '1', /issued 900001 by accepted commands != 900000/],
    ['a reserve that does not reconcile', { operators: [operator({ reserve: 199_999n }), operatorB] }, '2', /bank-a: reserve 199999/],
    ['DC of an operator that does not reconcile', { operators: [operator({ vault: 699_000n }), operatorB] }, '2', /bank-a: vault \+ wallets 794000/],
    ['cross-operator nets that do not cancel', { operators: [operator(), { ...operatorB, crossOperatorNet: 4_000n, walletsHeld: 4_000n }] }, '2', /nets sum to -1000/],
    ['an operator whose books miss a credit', { operators: [operator({ creditedByCommands: 1_000_001n }), operatorB] }, '2', /reserve credits 1000001 by commands/],
    ['a command id stored twice', { commandCount: 11n }, '3', /11 commands stored under 10 distinct ids/],
    ['an accepted command without a sequence', { acceptedCount: 9n }, '3', /9 accepted commands but 8 entry sequences/],
    ['a sequence used twice', { distinctSequences: 7n }, '3', /only 7 distinct/],
  ])('fails on %s, saying what failed', (_name, overrides, invariant, failure) => {
    const report = evaluateSupply(facts(overrides), asOf);
    const judged = report.invariants.find((i) => i.invariant === invariant)!;
    expect(judged.status).toBe('failed');
    expect(judged.failures.join('\n')).toMatch(failure);
    expect(report.ok).toBe(false);
  });

  it('reports invariant 5 pending, not failed, while committed entries wait for their block', () => {
    const anchor = { ...facts().anchor, unsealedEntries: 12n };
    const report = evaluateSupply(facts({ anchor }), asOf);
    expect(statuses(report)['5']).toBe('pending');
    expect(report.ok).toBe(true);
    expect(report.invariants[3]!.note).toContain('12 committed entries are waiting');
  });

  it.each([
    ['a chain that does not start at height 0', { lowestHeight: 2n }, 'starts at height 2'],
    ['a first block that does not start at entry 1', { lowestFirstSequence: 5n }, 'starts at entry 5'],
    ['a block that does not follow its predecessor', { brokenLinks: 1n }, 'do not follow their predecessor'],
    ['a block holding another number of entries', { miscountedBlocks: 2n }, '2 block(s) hold another number'],
  ])('fails invariant 5 for %s', (_name, change, failure) => {
    const report = evaluateSupply(facts({ anchor: { ...facts().anchor, unsealedEntries: 3n, ...change } }), asOf);
    expect(statuses(report)['5']).toBe('failed');
    expect(report.ok).toBe(false);
    expect(report.invariants[3]!.failures.join(' ')).toContain(failure);
  });
});
