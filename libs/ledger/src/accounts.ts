/**
 * Accounts of the central ledger (ARCHITECTURE.md §5) and their ids.
 *
 * Invariants kept:
 * - An account id names its type and owner: `reserve:<operatorId>` (the operator's central-bank
 *   reserves, NOT digital cash), `vault:<operatorId>` (the operator's DC stock),
 *   `wallet:<walletId>` (a DC holding), and the one system contra account `rtgs`.
 * - Only the contra account `rtgs` may be negative: it is the counterpart of every reserve credit
 *   made by central-bank staff, so `rtgs = -(sum of reserves + DC outstanding)` and the sum of all
 *   balances on the ledger is always zero (double entry).
 * - DC lives only in vault and wallet accounts. There is no `issuance` account: issue converts
 *   reserves 1:1 into DC (a transfer `reserve:<op> -> vault:<op>`, both liabilities of the central
 *   bank), and the ledger tracks the totals `issued` and `recalled` instead, so that
 *   DC outstanding = issued - recalled = sum of vault and wallet balances.
 */

export type OperatorId = string;
export type WalletId = string;

/** The system contra account that balances reserve credits made through the RTGS-style endpoint. */
export const rtgsAccount = 'rtgs' as const;

export type ReserveAccountId = `reserve:${string}`;
export type VaultAccountId = `vault:${string}`;
export type WalletAccountId = `wallet:${string}`;
export type AccountId = ReserveAccountId | VaultAccountId | WalletAccountId | typeof rtgsAccount;
export type AccountType = 'reserve' | 'vault' | 'wallet' | 'rtgs';

export function reserveAccount(operatorId: OperatorId): ReserveAccountId {
  return `reserve:${operatorId}`;
}

export function vaultAccount(operatorId: OperatorId): VaultAccountId {
  return `vault:${operatorId}`;
}

export function walletAccount(walletId: WalletId): WalletAccountId {
  return `wallet:${walletId}`;
}

export interface ParsedAccountId {
  readonly type: AccountType;
  /** The operator id (reserve, vault), the wallet id (wallet), or null for `rtgs`. */
  readonly ownerId: string | null;
}

/** Splits an account id at its first colon; null for anything that is not an account id. */
export function parseAccountId(accountId: string): ParsedAccountId | null {
  if (accountId === rtgsAccount) return { type: 'rtgs', ownerId: null };
  const colon = accountId.indexOf(':');
  if (colon <= 0 || colon === accountId.length - 1) return null;
  const prefix = accountId.slice(0, colon);
  if (prefix !== 'reserve' && prefix !== 'vault' && prefix !== 'wallet') return null;
  return { type: prefix, ownerId: accountId.slice(colon + 1) };
}

/** Contra accounts are the only ones whose balance may be negative. */
export function isContraAccount(accountId: string): boolean {
  return accountId === rtgsAccount;
}

/** True for the accounts that hold digital cash (vaults and wallets), as opposed to reserves. */
export function holdsDigitalCash(accountId: string): boolean {
  return accountId.startsWith('vault:') || accountId.startsWith('wallet:');
}
