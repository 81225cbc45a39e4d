// Proves, by example, what each ledger command does when accepted, that every rejection code is
// reachable and leaves the ledger untouched, and how duplicates, windows and assertions behave.
import { reserveAccount, rtgsAccount, vaultAccount, walletAccount } from './accounts';
import { type BatchContext, type BatchOutcome, type CommandResult, applyBatch, decide } from './apply-batch';
import { LedgerAssertionError } from './assertions';
import { checkInvariants } from './invariants';
import type { LedgerCommand } from './ledger-commands';
import {
  applyAccepted,
  applyOne,
  auditRecord,
  balanceOf,
  changeWalletClass,
  creditReserve,
  fixtureContext,
  fixtureNowMs,
  fixturePolicy,
  fundedLedger,
  issue,
  keyFor,
  load,
  payment,
  recall,
  registerOperator,
  registerWallet,
  unload,
} from './ledger-fixtures';
import { type LedgerState, cloneLedgerState, createLedgerState, snapshotLedgerState } from './ledger-state';
import { counterMax, yuan } from './money';
import { createPolicy } from './policy';
import { type RejectionCode, rejectionCodes } from './rejections';

const hourMs = 3_600_000;

function expectRejected(result: CommandResult, code: RejectionCode): void {
  expect(result).toMatchObject({ status: 'rejected', code });
}

function expectAccepted(result: CommandResult): void {
  expect(result).toMatchObject({ status: 'accepted' });
}

/** The touched accounts of an outcome as plain values (the outcome holds live records). */
function balances(outcome: BatchOutcome) {
  return outcome.accounts.map((account) => ({ accountId: account.accountId, balance: account.balance }));
}

interface RejectionExample {
  readonly state: LedgerState;
  readonly command: LedgerCommand;
  readonly context?: BatchContext;
}

/** One way to reach each rejection code; typed as a Record so a new code without an example fails to compile. */
const rejectionExamples: Record<RejectionCode, () => RejectionExample> = {
  UNKNOWN_OPERATOR: () => ({ state: fundedLedger(), command: issue('bank-z', 1n) }),
  OPERATOR_EXISTS: () => ({ state: fundedLedger(), command: registerOperator('bank-a') }),
  INVALID_RESERVE_RATIO: () => ({ state: fundedLedger(), command: registerOperator('bank-c', { reserveRatioBps: 9_999 }) }),
  UNKNOWN_WALLET: () => ({ state: fundedLedger(), command: payment('nobody', 'bob', 1n, 1n) }),
  UNKNOWN_PAYEE: () => ({ state: fundedLedger(), command: payment('alice', 'nobody', 1n, 1n) }),
  WALLET_EXISTS: () => ({ state: fundedLedger(), command: registerWallet('alice', 'bank-a', 1) }),
  WALLET_NOT_OF_OPERATOR: () => ({ state: fundedLedger(), command: load('bank-b', 'alice', 1n) }),
  SAME_WALLET: () => ({ state: fundedLedger(), command: payment('alice', 'alice', 1n, 1n) }),
  INVALID_AMOUNT: () => ({ state: fundedLedger(), command: payment('alice', 'bob', 0n, 1n) }),
  INVALID_CLASS: () => ({ state: fundedLedger(), command: registerWallet('erin', 'bank-a', 5) }),
  INSUFFICIENT_FUNDS: () => ({ state: fundedLedger(), command: payment('dave', 'bob', 1n, 1n) }),
  INSUFFICIENT_RESERVES: () => ({ state: fundedLedger(), command: issue('bank-a', yuan(9_000_000n) + 1n) }),
  BAD_SIGNATURE: () => ({ state: fundedLedger(), command: payment('alice', 'bob', 1n, 1n, keyFor('wallet:bob')) }),
  STALE_COUNTER: () => {
    const state = fundedLedger();
    applyAccepted(state, [payment('alice', 'bob', 1n, 5n)]);
    return { state, command: payment('alice', 'bob', 1n, 5n) };
  },
  CLASS_LIMIT_SINGLE: () => {
    const state = fundedLedger();
    applyAccepted(state, [load('bank-a', 'alice', yuan(40_000n))]);
    return { state, command: payment('alice', 'bob', yuan(50_000n) + 1n, 1n) };
  },
  CLASS_LIMIT_DAILY: () => {
    const state = fundedLedger();
    applyAccepted(state, [load('bank-a', 'alice', yuan(180_000n)), payment('alice', 'bob', yuan(50_000n), 1n), payment('alice', 'bob', yuan(50_000n), 2n)]);
    return { state, command: payment('alice', 'bob', 1n, 3n) };
  },
  CLASS_LIMIT_ANNUAL: () => {
    const policy = createPolicy({ classLimits: { 1: { balanceCap: yuan(500_000n), singlePayment: yuan(50_000n), daily: yuan(100_000n), annual: yuan(150_000n) } } });
    const state = fundedLedger();
    applyAccepted(state, [load('bank-a', 'alice', yuan(180_000n)), payment('alice', 'bob', yuan(50_000n), 1n), payment('alice', 'bob', yuan(50_000n), 2n)], { nowMs: fixtureNowMs, policy });
    const nextDay = { nowMs: fixtureNowMs + 24 * hourMs, policy };
    applyAccepted(state, [payment('alice', 'bob', yuan(50_000n), 3n)], nextDay);
    return { state, command: payment('alice', 'bob', 1n, 4n), context: nextDay };
  },
  CLASS_LIMIT_BALANCE: () => ({ state: fundedLedger(), command: payment('alice', 'carol', yuan(501n), 1n) }),
};

describe('rejections', () => {
  it.each(rejectionCodes.map((code) => [code]))('%s is returned as a value and changes nothing', (code) => {
    const { state, command, context } = rejectionExamples[code]();
    const before = snapshotLedgerState(state);
    const outcome = applyBatch(state, [command], context ?? fixtureContext);
    expectRejected(outcome.results[0], code);
    expect(outcome.rejectedCount).toBe(1);
    expect(outcome.accounts).toEqual([]);
    expect(outcome.wallets).toEqual([]);
    expect(outcome.operators).toEqual([]);
    expect(snapshotLedgerState(state)).toEqual(before);
  });

  it('never reveals the payee balance in the detail of a balance-cap rejection', () => {
    const { state, command } = rejectionExamples.CLASS_LIMIT_BALANCE();
    const result = applyOne(state, command);
    expect(result.status === 'rejected' && result.detail).not.toContain(String(balanceOf(state, walletAccount('carol'))));
  });
});

describe('register-operator', () => {
  it('opens a reserve account and a vault at zero, with a 100% ratio by default', () => {
    const state = createLedgerState();
    const outcome = applyBatch(state, [registerOperator('bank-a', { issueQuotaAuto: 700n })], fixtureContext);
    expect(outcome.results[0]).toMatchObject({ status: 'accepted', transfers: [] });
    expect(state.operators.get('bank-a')).toMatchObject({ reserveRatioBps: 10_000, issueQuotaAuto: 700n, operatorKind: 'bank' });
    expect(balances(outcome)).toEqual([
      { accountId: reserveAccount('bank-a'), balance: 0n },
      { accountId: vaultAccount('bank-a'), balance: 0n },
    ]);
    expect(outcome.operators.map((operator) => operator.operatorId)).toEqual(['bank-a']);
  });

  it.each([[9_999], [100_001], [12_500.5]])('refuses a reserve ratio of %p bps', (reserveRatioBps) => {
    expectRejected(applyOne(createLedgerState(), registerOperator('firm', { operatorKind: 'payment-firm', reserveRatioBps })), 'INVALID_RESERVE_RATIO');
  });

  it('refuses a negative automatic issue quota', () => {
    expectRejected(applyOne(createLedgerState(), registerOperator('bank-a', { issueQuotaAuto: -1n })), 'INVALID_AMOUNT');
  });
});

describe('credit-reserve, issue and recall', () => {
  it('credits reserves against rtgs, the one account that goes negative', () => {
    const state = fundedLedger();
    const result = applyOne(state, creditReserve('bank-a', 300n));
    expect(result).toMatchObject({ status: 'accepted', transfers: [{ debit: rtgsAccount, credit: reserveAccount('bank-a'), amount: 300n }] });
    expect(balanceOf(state, rtgsAccount)).toBe(-(yuan(20_000_000n) + 300n));
    expect(state.operators.get('bank-a')?.reserveCredited).toBe(yuan(10_000_000n) + 300n);
  });

  it('issue converts reserves 1:1 into DC in the vault and counts it as issued', () => {
    const state = fundedLedger();
    const reserveBefore = balanceOf(state, reserveAccount('bank-a'));
    const vaultBefore = balanceOf(state, vaultAccount('bank-a'));
    const result = applyOne(state, issue('bank-a', 1_000n));
    expect(result).toMatchObject({ status: 'accepted', transfers: [{ debit: reserveAccount('bank-a'), credit: vaultAccount('bank-a'), amount: 1_000n }] });
    expect(balanceOf(state, reserveAccount('bank-a'))).toBe(reserveBefore - 1_000n);
    expect(balanceOf(state, vaultAccount('bank-a'))).toBe(vaultBefore + 1_000n);
    expect(state.totals.issued).toBe(yuan(2_000_000n) + 1_000n);
    expect(checkInvariants(state)).toEqual([]);
  });

  it('issue at 100% may convert exactly the whole reserve', () => {
    const state = fundedLedger();
    expectAccepted(applyOne(state, issue('bank-a', balanceOf(state, reserveAccount('bank-a')))));
    expect(balanceOf(state, reserveAccount('bank-a'))).toBe(0n);
  });

  it('a ratio above 100% keeps the surplus of reserves unconverted', () => {
    const state = createLedgerState();
    applyAccepted(state, [registerOperator('firm', { operatorKind: 'payment-firm', reserveRatioBps: 15_000 }), creditReserve('firm', 150n)]);
    // Reserves left (50) must cover 50% of net issued DC (100).
    expectAccepted(applyOne(state, issue('firm', 100n)));
    expectRejected(applyOne(state, issue('firm', 1n)), 'INSUFFICIENT_RESERVES');
    expectAccepted(applyOne(state, recall('firm', 40n)));
    expectAccepted(applyOne(state, issue('firm', 29n)));
    expect(checkInvariants(state)).toEqual([]);
  });

  it('recall turns vault DC back into reserves and counts it as recalled', () => {
    const state = fundedLedger();
    const result = applyOne(state, recall('bank-b', 5_000n));
    expect(result).toMatchObject({ status: 'accepted', transfers: [{ debit: vaultAccount('bank-b'), credit: reserveAccount('bank-b'), amount: 5_000n }] });
    expect(state.totals.recalled).toBe(5_000n);
    expectRejected(applyOne(state, recall('bank-b', balanceOf(state, vaultAccount('bank-b')) + 1n)), 'INSUFFICIENT_FUNDS');
    expect(checkInvariants(state)).toEqual([]);
  });

  it('refuses a reserve credit that would take the ledger out of its 64-bit range', () => {
    const state = fundedLedger();
    expectRejected(applyOne(state, creditReserve('bank-a', 2n ** 63n)), 'INVALID_AMOUNT');
  });
});

describe('register-wallet and change-wallet-class', () => {
  it('opens a wallet at zero under an existing operator and keeps its escrow', () => {
    const state = fundedLedger();
    const escrow = new Uint8Array([1, 2, 3]);
    const outcome = applyBatch(state, [registerWallet('erin', 'bank-b', 3, { escrow })], fixtureContext);
    expectAccepted(outcome.results[0]);
    expect(state.wallets.get('erin')).toMatchObject({ operatorId: 'bank-b', walletClass: 3, escrow, lastCounter: 0n });
    expect(balances(outcome)).toEqual([{ accountId: walletAccount('erin'), balance: 0n }]);
    expect(outcome.wallets.map((wallet) => wallet.walletId)).toEqual(['erin']);
  });

  it('refuses a wallet under an unknown operator, and classes outside 1..4', () => {
    const state = fundedLedger();
    expectRejected(applyOne(state, registerWallet('erin', 'bank-z', 1)), 'UNKNOWN_OPERATOR');
    for (const walletClass of [0, 5, 2.5, -1]) expectRejected(applyOne(state, registerWallet('erin', 'bank-a', walletClass)), 'INVALID_CLASS');
  });

  it('lets only the wallet operator change its class', () => {
    const state = fundedLedger();
    expectRejected(applyOne(state, changeWalletClass('bank-b', 'alice', 2)), 'WALLET_NOT_OF_OPERATOR');
    expectRejected(applyOne(state, changeWalletClass('bank-a', 'nobody', 2)), 'UNKNOWN_WALLET');
    expectRejected(applyOne(state, changeWalletClass('bank-z', 'alice', 2)), 'UNKNOWN_OPERATOR');
    expectRejected(applyOne(state, changeWalletClass('bank-a', 'alice', 0)), 'INVALID_CLASS');
    expectAccepted(applyOne(state, changeWalletClass('bank-a', 'carol', 1)));
    expect(state.wallets.get('carol')?.walletClass).toBe(1);
  });

  it('allows a downgrade below the balance: the wallet keeps its DC and can pay, but receives nothing over the cap', () => {
    const state = fundedLedger();
    expectAccepted(applyOne(state, changeWalletClass('bank-a', 'alice', 4)));
    expect(balanceOf(state, walletAccount('alice'))).toBe(yuan(20_000n));
    expectRejected(applyOne(state, load('bank-a', 'alice', 1n)), 'CLASS_LIMIT_BALANCE');
    expectRejected(applyOne(state, payment('bob', 'alice', 1n, 1n)), 'CLASS_LIMIT_BALANCE');
    expectRejected(applyOne(state, payment('alice', 'bob', yuan(500n) + 1n, 1n)), 'CLASS_LIMIT_SINGLE');
    expectAccepted(applyOne(state, payment('alice', 'bob', yuan(500n), 1n)));
    expect(checkInvariants(state)).toEqual([]);
  });
});

describe('load and unload', () => {
  it('load moves DC from the vault into a wallet of the same operator, up to the class cap', () => {
    const state = fundedLedger();
    const result = applyOne(state, load('bank-a', 'carol', yuan(500n)));
    expect(result).toMatchObject({ status: 'accepted', transfers: [{ debit: vaultAccount('bank-a'), credit: walletAccount('carol'), amount: yuan(500n) }] });
    expect(balanceOf(state, walletAccount('carol'))).toBe(yuan(1_000n));
    expectRejected(applyOne(state, load('bank-a', 'carol', 1n)), 'CLASS_LIMIT_BALANCE');
    expectRejected(applyOne(state, load('bank-a', 'nobody', 1n)), 'UNKNOWN_WALLET');
    expectRejected(applyOne(state, load('bank-z', 'carol', 1n)), 'UNKNOWN_OPERATOR');
    expectRejected(applyOne(state, load('bank-a', 'carol', -5n)), 'INVALID_AMOUNT');
  });

  it('load cannot take more than the vault holds', () => {
    const state = createLedgerState();
    applyAccepted(state, [registerOperator('bank-a'), creditReserve('bank-a', 100n), issue('bank-a', 100n), registerWallet('alice', 'bank-a', 1)]);
    expectRejected(applyOne(state, load('bank-a', 'alice', 101n)), 'INSUFFICIENT_FUNDS');
  });

  it('unload moves DC back to the vault under the wallet signature and its counter', () => {
    const state = fundedLedger();
    const result = applyOne(state, unload('bank-a', 'alice', 700n, 1n));
    expect(result).toMatchObject({ status: 'accepted', transfers: [{ debit: walletAccount('alice'), credit: vaultAccount('bank-a'), amount: 700n }] });
    expect(state.wallets.get('alice')?.lastCounter).toBe(1n);
    expectRejected(applyOne(state, unload('bank-a', 'alice', 1n, 1n)), 'STALE_COUNTER');
    expectRejected(applyOne(state, unload('bank-a', 'alice', 1n, 2n, null)), 'BAD_SIGNATURE');
    expectRejected(applyOne(state, unload('bank-a', 'alice', 1n, 2n, keyFor('operator:bank-a'))), 'BAD_SIGNATURE');
    expectRejected(applyOne(state, unload('bank-b', 'alice', 1n, 2n)), 'WALLET_NOT_OF_OPERATOR');
    expectRejected(applyOne(state, unload('bank-a', 'alice', yuan(20_000n), 2n)), 'INSUFFICIENT_FUNDS');
  });

  it('unload shares the counter with payments', () => {
    const state = fundedLedger();
    expectAccepted(applyOne(state, payment('alice', 'bob', 1n, 3n)));
    expectRejected(applyOne(state, unload('bank-a', 'alice', 1n, 3n)), 'STALE_COUNTER');
    expectAccepted(applyOne(state, unload('bank-a', 'alice', 1n, 4n)));
    expectRejected(applyOne(state, payment('alice', 'bob', 1n, 4n)), 'STALE_COUNTER');
  });

  it('unload counts toward no payment limit', () => {
    const state = fundedLedger();
    applyAccepted(state, [load('bank-a', 'alice', yuan(180_000n))]);
    expectAccepted(applyOne(state, unload('bank-a', 'alice', yuan(150_000n), 1n)));
    expectAccepted(applyOne(state, payment('alice', 'bob', yuan(50_000n), 2n)));
    expect(state.wallets.get('alice')?.dayTotal).toBe(yuan(50_000n));
  });
});

describe('payment', () => {
  it('moves DC between wallets of different operators and records the cross-operator flow', () => {
    const state = fundedLedger();
    const result = applyOne(state, payment('alice', 'bob', 12_345n, 1n));
    expect(result).toMatchObject({ status: 'accepted', kind: 'payment', largeValue: false, transfers: [{ debit: walletAccount('alice'), credit: walletAccount('bob'), amount: 12_345n }] });
    expect(balanceOf(state, walletAccount('alice'))).toBe(yuan(20_000n) - 12_345n);
    expect(balanceOf(state, walletAccount('bob'))).toBe(yuan(20_000n) + 12_345n);
    expect(state.operators.get('bank-a')?.crossOperatorNet).toBe(-12_345n);
    expect(state.operators.get('bank-b')?.crossOperatorNet).toBe(12_345n);
    expect(state.wallets.get('alice')).toMatchObject({ lastCounter: 1n, dayTotal: 12_345n, yearTotal: 12_345n });
    expect(checkInvariants(state)).toEqual([]);
  });

  it('accepts counter gaps but never a counter at or below the last one', () => {
    const state = fundedLedger();
    expectAccepted(applyOne(state, payment('alice', 'bob', 1n, 10n)));
    expectRejected(applyOne(state, payment('alice', 'bob', 1n, 10n)), 'STALE_COUNTER');
    expectRejected(applyOne(state, payment('alice', 'bob', 1n, 9n)), 'STALE_COUNTER');
    expectAccepted(applyOne(state, payment('alice', 'bob', 1n, 11n)));
  });

  it('accepts only a signature under the payer wallet key, whatever object carries the bytes', () => {
    const state = fundedLedger();
    expectRejected(applyOne(state, payment('alice', 'bob', 1n, 1n, null)), 'BAD_SIGNATURE');
    expectRejected(applyOne(state, payment('alice', 'bob', 1n, 1n, keyFor('wallet:alice').subarray(0, 31))), 'BAD_SIGNATURE');
    expectAccepted(applyOne(state, payment('alice', 'bob', 1n, 1n, Uint8Array.from(keyFor('wallet:alice')))));
  });

  it('marks accepted payments at or above the large-value threshold', () => {
    const state = fundedLedger();
    applyAccepted(state, [load('bank-a', 'alice', yuan(100_000n))]);
    const threshold = fixturePolicy.largeValueThreshold;
    expect(applyOne(state, payment('alice', 'bob', threshold - 1n, 1n))).toMatchObject({ status: 'accepted', largeValue: false });
    expect(applyOne(state, payment('alice', 'bob', threshold, 2n))).toMatchObject({ status: 'accepted', largeValue: true });
  });

  it('counts the daily limit per calendar day at +08:00', () => {
    const state = fundedLedger();
    applyAccepted(state, [load('bank-a', 'alice', yuan(180_000n))]);
    const lastMillisecondOfDay = { nowMs: Date.UTC(2025, 0, 15, 15, 59, 59, 999), policy: fixturePolicy };
    const nextMidnight = { nowMs: Date.UTC(2025, 0, 15, 16, 0, 0, 0), policy: fixturePolicy };
    applyAccepted(state, [payment('alice', 'bob', yuan(50_000n), 1n), payment('alice', 'bob', yuan(50_000n), 2n)], lastMillisecondOfDay);
    expectRejected(applyOne(state, payment('alice', 'bob', 1n, 3n), lastMillisecondOfDay), 'CLASS_LIMIT_DAILY');
    expectAccepted(applyOne(state, payment('alice', 'bob', 1n, 3n), nextMidnight));
  });

  it('counts the annual limit per calendar year at +08:00', () => {
    const policy = createPolicy({ classLimits: { 4: { balanceCap: 1_000n, singlePayment: 100n, daily: 100n, annual: 150n } } });
    const state = fundedLedger();
    const newYearsEve = Date.UTC(2025, 11, 31, 15, 0, 0);
    applyAccepted(state, [payment('carol', 'alice', 100n, 1n)], { nowMs: newYearsEve - 24 * hourMs, policy });
    applyAccepted(state, [payment('carol', 'alice', 50n, 2n)], { nowMs: newYearsEve, policy });
    expectRejected(applyOne(state, payment('carol', 'alice', 1n, 3n), { nowMs: newYearsEve, policy }), 'CLASS_LIMIT_ANNUAL');
    expectAccepted(applyOne(state, payment('carol', 'alice', 1n, 3n), { nowMs: newYearsEve + hourMs, policy }));
  });

  it('never reopens a spent window when the batch clock steps back', () => {
    const state = fundedLedger();
    applyAccepted(state, [load('bank-a', 'alice', yuan(180_000n))]);
    const tomorrow = { nowMs: fixtureNowMs + 24 * hourMs, policy: fixturePolicy };
    applyAccepted(state, [payment('alice', 'bob', yuan(50_000n), 1n), payment('alice', 'bob', yuan(50_000n), 2n)], tomorrow);
    expectRejected(applyOne(state, payment('alice', 'bob', 1n, 3n), fixtureContext), 'CLASS_LIMIT_DAILY');
  });

  it('checks the payee cap against the class of the payee, not of the payer', () => {
    const state = fundedLedger();
    expectAccepted(applyOne(state, payment('alice', 'carol', yuan(500n), 1n)));
    expectRejected(applyOne(state, payment('alice', 'carol', 1n, 2n)), 'CLASS_LIMIT_BALANCE');
  });
});

describe('duplicates', () => {
  it('answers a repeat within a batch as a duplicate of the first, with one effect', () => {
    const state = fundedLedger();
    const pay = payment('alice', 'bob', 100n, 1n);
    const outcome = applyBatch(state, [pay, { ...pay }], fixtureContext);
    expect(outcome.results[1]).toEqual({ status: 'duplicate', commandId: pay.commandId, kind: 'payment', firstIndexInBatch: 0 });
    expect(outcome).toMatchObject({ acceptedCount: 1, duplicateCount: 1, rejectedCount: 0 });
    expect(balanceOf(state, walletAccount('bob'))).toBe(yuan(20_000n) + 100n);
  });

  it('answers an id the engine already answered as a duplicate, with no effect', () => {
    const state = fundedLedger();
    const before = snapshotLedgerState(state);
    const pay = payment('alice', 'bob', 100n, 1n);
    const outcome = applyBatch(state, [pay], { ...fixtureContext, seenCommandIds: new Set([pay.commandId]) });
    expect(outcome.results[0]).toEqual({ status: 'duplicate', commandId: pay.commandId, kind: 'payment', firstIndexInBatch: null });
    expect(snapshotLedgerState(state)).toEqual(before);
  });

  it('keeps a rejection as the first answer even when a repeat would now pass', () => {
    const state = fundedLedger();
    const pay = payment('dave', 'bob', 100n, 1n);
    const outcome = applyBatch(state, [pay, load('bank-b', 'dave', 1_000n), pay], fixtureContext);
    expect(outcome.results.map((result) => result.status)).toEqual(['rejected', 'accepted', 'duplicate']);
    expect(balanceOf(state, walletAccount('dave'))).toBe(1_000n);
  });
});

describe('batch outcome', () => {
  it('lists each touched account, debited wallet and operator once, with values after the batch', () => {
    const state = fundedLedger();
    const outcome = applyBatch(state, [payment('alice', 'bob', 100n, 1n), payment('alice', 'bob', 50n, 2n), payment('bob', 'dave', 10n, 1n)], fixtureContext);
    expect(outcome.acceptedCount).toBe(3);
    expect(balances(outcome)).toEqual([
      { accountId: walletAccount('alice'), balance: yuan(20_000n) - 150n },
      { accountId: walletAccount('bob'), balance: yuan(20_000n) + 140n },
      { accountId: walletAccount('dave'), balance: 10n },
    ]);
    expect(outcome.wallets.map((wallet) => [wallet.walletId, wallet.lastCounter])).toEqual([['alice', 2n], ['bob', 1n]]);
    expect(outcome.operators.map((operator) => [operator.operatorId, operator.crossOperatorNet])).toEqual([['bank-a', -150n], ['bank-b', 150n]]);
    expect(outcome.issued - outcome.recalled).toBe(yuan(2_000_000n));
  });

  it('gives the same answers applied as one batch or one command at a time', () => {
    const commands = [payment('alice', 'bob', 100n, 1n), payment('carol', 'bob', yuan(600n), 1n), unload('bank-b', 'bob', 100n, 1n), payment('bob', 'carol', yuan(600n), 2n)];
    const batched = fundedLedger();
    const single = cloneLedgerState(batched);
    const batchResults = applyBatch(batched, commands, fixtureContext).results;
    const singleResults = commands.map((command) => applyOne(single, command));
    expect(singleResults).toEqual(batchResults);
    expect(snapshotLedgerState(single)).toEqual(snapshotLedgerState(batched));
  });
});

describe('decide', () => {
  it('gives the answer applyBatch would give, without changing the state', () => {
    const state = fundedLedger();
    const before = snapshotLedgerState(state);
    const accepted = payment('alice', 'bob', 100n, 1n);
    const rejected = payment('alice', 'bob', 100n, 0n);
    const decisions = [decide(state, accepted, fixtureContext), decide(state, rejected, fixtureContext)];
    expect(snapshotLedgerState(state)).toEqual(before);
    expect(decisions).toEqual([applyOne(cloneLedgerState(state), accepted), applyOne(cloneLedgerState(state), rejected)]);
    expect(decide(state, accepted, { ...fixtureContext, seenCommandIds: new Set([accepted.commandId]) })).toMatchObject({ status: 'duplicate' });
  });
});

describe('audit-record', () => {
  it('accepts a regulator digest as an entry that moves no money, once per command id', () => {
    const state = fundedLedger();
    const before = snapshotLedgerState(state);
    const command = auditRecord();
    const outcome = applyBatch(state, [command, command], fixtureContext);
    expectAccepted(outcome.results[0]);
    expect(outcome.results[0]).toMatchObject({ transfers: [], largeValue: false });
    expect(outcome.results[1]).toMatchObject({ status: 'duplicate' });
    expect(balances(outcome)).toEqual([]);
    expect(snapshotLedgerState(state)).toEqual(before);
    expect(checkInvariants(state)).toEqual([]);
  });

  it('throws on a digest that is not 32 bytes', () => {
    const state = fundedLedger();
    expect(() => applyBatch(state, [auditRecord(new Uint8Array(31))], fixtureContext)).toThrow(LedgerAssertionError);
  });
});

describe('assertions', () => {
  function malformed(command: object): LedgerCommand {
    return command as LedgerCommand;
  }

  it.each([
    ['an amount that is not a bigint', malformed({ ...payment('alice', 'bob', 1n, 1n), amount: 5 })],
    ['a counter beyond 64 bits', payment('alice', 'bob', 1n, counterMax + 1n)],
    ['a negative counter', payment('alice', 'bob', 1n, -1n)],
    ['an unknown kind', malformed({ kind: 'mint', commandId: 'x-1', amount: 1n })],
    ['an empty command id', { ...payment('alice', 'bob', 1n, 1n), commandId: '' }],
    ['a 31-byte wallet key', registerWallet('erin', 'bank-a', 1, { publicKey: new Uint8Array(31) })],
    ['a signer key that is not bytes', malformed({ ...payment('alice', 'bob', 1n, 1n), verifiedSignerKey: 'aa' })],
  ])('throws on %s before anything in the batch moves', (_what, command) => {
    const state = fundedLedger();
    const before = snapshotLedgerState(state);
    expect(() => applyBatch(state, [payment('alice', 'bob', 1n, 1n), command], fixtureContext)).toThrow(LedgerAssertionError);
    expect(snapshotLedgerState(state)).toEqual(before);
  });

  it('throws on a batch clock that is not an integer and on a policy that does not validate', () => {
    const state = fundedLedger();
    expect(() => applyBatch(state, [], { ...fixtureContext, nowMs: 1.5 })).toThrow(LedgerAssertionError);
    const broken = { ...fixturePolicy, largeValueThreshold: 0n };
    expect(() => applyBatch(state, [], { ...fixtureContext, policy: broken })).toThrow(LedgerAssertionError);
  });
});
