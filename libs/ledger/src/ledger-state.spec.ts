// Proves that the ledger state survives a snapshot and restore unchanged, keeps every wallet's
// numbers intact as its storage grows, and refuses values outside 64 bits instead of wrapping.
import { walletAccount } from './accounts';
import { LedgerAssertionError } from './assertions';
import { checkInvariants } from './invariants';
import {
  applyAccepted,
  applyOne,
  balanceOf,
  creditReserve,
  fundedLedger,
  issue,
  keyFor,
  load,
  payment,
  registerOperator,
  registerWallet,
} from './ledger-fixtures';
import {
  cloneLedgerState,
  createLedgerState,
  restoreLedgerState,
  restoreOperator,
  restoreWallet,
  snapshotLedgerState,
  snapshotOperator,
  snapshotWallet,
} from './ledger-state';
import { balanceMax } from './money';

describe('snapshot and restore', () => {
  it('restores a state that snapshots identically, holds the invariants and applies the same way', () => {
    const state = fundedLedger();
    applyAccepted(state, [payment('alice', 'bob', 500n, 1n), payment('bob', 'carol', 700n, 4n)]);
    const restored = restoreLedgerState(snapshotLedgerState(state));
    expect(snapshotLedgerState(restored)).toEqual(snapshotLedgerState(state));
    expect(checkInvariants(restored)).toEqual([]);
    const next = payment('alice', 'dave', 300n, 2n);
    expect(applyOne(restored, next)).toEqual(applyOne(state, { ...next }));
  });

  it('clones independently: changing the clone leaves the original alone', () => {
    const state = fundedLedger();
    const before = snapshotLedgerState(state);
    const clone = cloneLedgerState(state);
    applyAccepted(clone, [payment('alice', 'bob', 500n, 1n), registerWallet('erin', 'bank-a', 2)]);
    expect(snapshotLedgerState(state)).toEqual(before);
  });

  it('loads operators and wallets one at a time, as an engine filling its cache', () => {
    const source = fundedLedger();
    const state = createLedgerState();
    for (const operator of source.operators.values()) restoreOperator(state, snapshotOperator(operator));
    for (const walletId of ['alice', 'bob']) restoreWallet(state, snapshotWallet(source.wallets.get(walletId)!));
    expect(applyOne(state, payment('alice', 'bob', 1n, 1n))).toMatchObject({ status: 'accepted' });
    expect(applyOne(state, payment('alice', 'carol', 1n, 2n))).toMatchObject({ status: 'rejected', code: 'UNKNOWN_PAYEE' });
  });

  it('refuses to load a wallet twice or under an operator it does not know', () => {
    const source = fundedLedger();
    const state = createLedgerState();
    const alice = snapshotWallet(source.wallets.get('alice')!);
    expect(() => restoreWallet(state, alice)).toThrow(LedgerAssertionError);
    restoreOperator(state, snapshotOperator(source.operators.get('bank-a')!));
    restoreWallet(state, alice);
    expect(() => restoreWallet(state, alice)).toThrow(LedgerAssertionError);
  });
});

describe('storage', () => {
  it('keeps balances, counters and keys of every wallet as the storage grows', () => {
    const walletCount = 3_000;
    const state = createLedgerState();
    applyAccepted(state, [registerOperator('bank-a'), creditReserve('bank-a', 10n ** 12n), issue('bank-a', 10n ** 12n)]);
    const commands = [];
    for (let index = 0; index < walletCount; index++) {
      commands.push(registerWallet(`w${index}`, 'bank-a', 1), load('bank-a', `w${index}`, BigInt(index + 1)));
    }
    applyAccepted(state, commands);
    for (let index = 0; index < walletCount; index += 2) applyAccepted(state, [payment(`w${index}`, `w${index + 1}`, 1n, BigInt(index + 7))]);
    for (let index = 0; index < walletCount; index++) {
      const wallet = state.wallets.get(`w${index}`)!;
      const paid = index % 2 === 0;
      expect(wallet.account.balance).toBe(BigInt(index + 1) + (paid ? -1n : 1n));
      expect(wallet.lastCounter).toBe(paid ? BigInt(index + 7) : 0n);
      expect(wallet.hasPublicKey(Uint8Array.from(keyFor(`wallet:w${index}`)))).toBe(true);
      expect(wallet.hasPublicKey(keyFor(`wallet:w${index + 1}`))).toBe(false);
    }
    expect(checkInvariants(state)).toEqual([]);
  });

  it('keeps the reserves and vaults of every operator as their storage grows', () => {
    const operatorCount = 70;
    const state = createLedgerState();
    const commands = [];
    for (let index = 0; index < operatorCount; index++) {
      commands.push(registerOperator(`op-${index}`), creditReserve(`op-${index}`, BigInt(1_000 + index)), issue(`op-${index}`, BigInt(index + 1)));
    }
    applyAccepted(state, commands);
    for (let index = 0; index < operatorCount; index++) {
      const operator = state.operators.get(`op-${index}`)!;
      expect([operator.reserve.balance, operator.vault.balance]).toEqual([999n, BigInt(index + 1)]);
    }
    expect(checkInvariants(state)).toEqual([]);
  });

  it('refuses balances and counters outside 64 bits rather than wrapping them', () => {
    const state = fundedLedger();
    const alice = state.wallets.get('alice')!;
    expect(() => {
      alice.account.balance = balanceMax + 1n;
    }).toThrow(LedgerAssertionError);
    expect(() => {
      alice.account.balance = -1n;
    }).toThrow(LedgerAssertionError);
    expect(() => {
      alice.lastCounter = 2n ** 64n;
    }).toThrow(LedgerAssertionError);
    expect(() => {
      state.rtgs.balance = -balanceMax - 2n;
    }).toThrow(LedgerAssertionError);
    expect(balanceOf(state, walletAccount('alice'))).toBeGreaterThan(0n);
  });
});
