// Proves that checkInvariants passes a sound ledger and names each kind of corruption: a
// one-sided change, a negative balance, totals that disagree, an operator that does not reconcile.
import { reserveAccount, vaultAccount, walletAccount } from './accounts';
import { checkInvariants } from './invariants';
import { applyAccepted, fundedLedger, payment, recall, unload } from './ledger-fixtures';
import type { LedgerState } from './ledger-state';

function account(state: LedgerState, accountId: Parameters<LedgerState['accounts']['get']>[0]) {
  const found = state.accounts.get(accountId);
  if (found === undefined) throw new Error(`no account ${accountId}`);
  return found;
}

describe('checkInvariants', () => {
  it('passes a ledger that has seen every kind of command', () => {
    const state = fundedLedger();
    applyAccepted(state, [payment('alice', 'bob', 500n, 1n), payment('bob', 'dave', 200n, 1n), unload('bank-b', 'bob', 100n, 2n), recall('bank-a', 1_000n)]);
    expect(checkInvariants(state)).toEqual([]);
  });

  it('names a one-sided change: DC that appeared from nowhere', () => {
    const state = fundedLedger();
    account(state, walletAccount('bob')).balance += 1n;
    const failures = checkInvariants(state).join('\n');
    expect(failures).toContain('not zero');
    expect(failures).toContain('DC outstanding');
    expect(failures).toContain('operator bank-b: vault + wallets');
  });

  it('names a negative balance outside rtgs', () => {
    const state = fundedLedger();
    const vault = account(state, vaultAccount('bank-a'));
    const reserve = account(state, reserveAccount('bank-a'));
    const shift = vault.balance + 1n;
    vault.balance -= shift;
    reserve.balance += shift;
    expect(checkInvariants(state).join('\n')).toContain(`account ${vaultAccount('bank-a')} is negative`);
  });

  it('names totals that disagree with the operators', () => {
    const state = fundedLedger();
    state.totals.issued += 5n;
    expect(checkInvariants(state).join('\n')).toContain('total issued');
  });

  it('names an operator whose reserve does not reconcile with its credits and issues', () => {
    const state = fundedLedger();
    state.operators.get('bank-a')!.issued += 5n;
    state.totals.issued += 5n;
    expect(checkInvariants(state).join('\n')).toContain('operator bank-a: reserve');
  });

  it('names cross-operator flows that do not net to zero', () => {
    const state = fundedLedger();
    state.operators.get('bank-a')!.crossOperatorNet += 1n;
    expect(checkInvariants(state).join('\n')).toContain('cross-operator nets');
  });
});
