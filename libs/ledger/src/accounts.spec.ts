// Proves that account ids name their type and owner, round-trip through parsing, and that only
// the rtgs contra account may go negative.
import {
  holdsDigitalCash,
  isContraAccount,
  parseAccountId,
  reserveAccount,
  rtgsAccount,
  vaultAccount,
  walletAccount,
} from './accounts';

describe('account ids', () => {
  it('build and parse back to their type and owner', () => {
    expect(parseAccountId(reserveAccount('bank-a'))).toEqual({ type: 'reserve', ownerId: 'bank-a' });
    expect(parseAccountId(vaultAccount('bank-a'))).toEqual({ type: 'vault', ownerId: 'bank-a' });
    expect(parseAccountId(walletAccount('w:1'))).toEqual({ type: 'wallet', ownerId: 'w:1' });
    expect(parseAccountId(rtgsAccount)).toEqual({ type: 'rtgs', ownerId: null });
  });

  it.each([['issuance'], ['wallet:'], [':bank-a'], ['purse:x'], ['']])('rejects %p', (accountId) => {
    expect(parseAccountId(accountId)).toBeNull();
  });

  it('treats only rtgs as contra, and only vaults and wallets as digital cash', () => {
    expect([rtgsAccount, reserveAccount('a'), vaultAccount('a'), walletAccount('a')].map(isContraAccount)).toEqual([true, false, false, false]);
    expect([rtgsAccount, reserveAccount('a'), vaultAccount('a'), walletAccount('a')].map(holdsDigitalCash)).toEqual([false, false, true, true]);
  });
});
