/**
 * The ledger invariants of ARCHITECTURE.md §5, checked over a whole in-memory state.
 *
 * What is checkable here, and therefore checked:
 * - Double entry: the balances of all accounts sum to zero (`rtgs` balances every reserve credit).
 * - No account but `rtgs` is negative.
 * - Invariant 1: DC outstanding = issued - recalled = sum of all vault and wallet balances, and the
 *   global totals equal the sums of the operators' totals.
 * - Invariant 2, the central bank's half, per operator: reserve = reserveCredited - issued +
 *   recalled; vault + its wallets = issued - recalled + crossOperatorNet; crossOperatorNet sums to
 *   zero; and with a ratio above 100% the reserves left cover (ratio - 100%) of its net issued DC.
 *   That this DC matches the customer deposits it took in is the operator's half, in its own books.
 * - Structure: every account belongs to exactly one operator, wallet or the system; wallet
 *   classes are 1..4; counters and window totals are not negative.
 * Invariant 3 (at most once) is the engine's and its database's; invariants 4 and 5 are enforced
 * per command (apply-batch.ts) and by `libs/anchor`.
 * Runs in O(accounts); for tests, reconciliation jobs and start-up, not per batch.
 */
import { rtgsAccount } from './accounts';
import type { LedgerState } from './ledger-state';
import { isWalletClass } from './policy';

const basisPointsPerUnit = 10_000n;

/** Every invariant the state breaks, one sentence each; empty when it holds them all. */
export function checkInvariants(state: LedgerState): string[] {
  const failures: string[] = [];
  let balanceSum = 0n;
  let digitalCash = 0n;
  for (const [accountId, account] of state.accounts) {
    if (account.accountId !== accountId) failures.push(`account ${accountId} is indexed under another id (${account.accountId})`);
    if (account.contra !== (accountId === rtgsAccount)) failures.push(`account ${accountId} has the wrong contra flag`);
    if (!account.contra && account.balance < 0n) failures.push(`account ${accountId} is negative: ${account.balance}`);
    balanceSum += account.balance;
    if (accountId.startsWith('vault:') || accountId.startsWith('wallet:')) digitalCash += account.balance;
  }
  if (balanceSum !== 0n) failures.push(`balances sum to ${balanceSum}, not zero: a change was not double entry`);
  if (state.accounts.get(rtgsAccount) !== state.rtgs) failures.push('the rtgs account is not indexed');
  const expectedAccounts = 1 + 2 * state.operators.size + state.wallets.size;
  if (state.accounts.size !== expectedAccounts) failures.push(`${state.accounts.size} accounts, expected ${expectedAccounts}`);

  const outstanding = state.totals.issued - state.totals.recalled;
  if (digitalCash !== outstanding) failures.push(`DC outstanding ${outstanding} (issued - recalled) != ${digitalCash} held in vaults and wallets`);

  const walletDigitalCash = new Map<string, bigint>();
  for (const [walletId, wallet] of state.wallets) {
    if (wallet.walletId !== walletId) failures.push(`wallet ${walletId} is indexed under another id`);
    if (state.accounts.get(wallet.account.accountId) !== wallet.account) failures.push(`wallet ${walletId}: its account is not indexed`);
    if (state.operators.get(wallet.operatorId) !== wallet.operator) failures.push(`wallet ${walletId}: its operator is not registered`);
    if (!isWalletClass(wallet.walletClass)) failures.push(`wallet ${walletId}: class ${String(wallet.walletClass)} is not 1..4`);
    if (wallet.lastCounter < 0n || wallet.dayTotal < 0n || wallet.yearTotal < 0n) failures.push(`wallet ${walletId}: negative counter or window total`);
    walletDigitalCash.set(wallet.operatorId, (walletDigitalCash.get(wallet.operatorId) ?? 0n) + wallet.account.balance);
  }

  let issued = 0n;
  let recalled = 0n;
  let reserveCredited = 0n;
  let crossOperatorNet = 0n;
  for (const [operatorId, operator] of state.operators) {
    if (operator.operatorId !== operatorId) failures.push(`operator ${operatorId} is indexed under another id`);
    if (state.accounts.get(operator.reserve.accountId) !== operator.reserve) failures.push(`operator ${operatorId}: reserve account not indexed`);
    if (state.accounts.get(operator.vault.accountId) !== operator.vault) failures.push(`operator ${operatorId}: vault not indexed`);
    issued += operator.issued;
    recalled += operator.recalled;
    reserveCredited += operator.reserveCredited;
    crossOperatorNet += operator.crossOperatorNet;
    const netIssued = operator.issued - operator.recalled;
    const expectedReserve = operator.reserveCredited - netIssued;
    if (operator.reserve.balance !== expectedReserve) {
      failures.push(`operator ${operatorId}: reserve ${operator.reserve.balance} != credited - issued + recalled = ${expectedReserve}`);
    }
    const held = operator.vault.balance + (walletDigitalCash.get(operatorId) ?? 0n);
    const expectedHeld = netIssued + operator.crossOperatorNet;
    if (held !== expectedHeld) failures.push(`operator ${operatorId}: vault + wallets ${held} != issued - recalled + cross-operator net = ${expectedHeld}`);
    const surplusBps = BigInt(operator.reserveRatioBps) - basisPointsPerUnit;
    if (surplusBps > 0n && operator.reserve.balance * basisPointsPerUnit < surplusBps * netIssued) {
      failures.push(`operator ${operatorId}: reserves left do not meet its ${operator.reserveRatioBps} bps ratio`);
    }
  }
  if (issued !== state.totals.issued) failures.push(`total issued ${state.totals.issued} != ${issued} summed over operators`);
  if (recalled !== state.totals.recalled) failures.push(`total recalled ${state.totals.recalled} != ${recalled} summed over operators`);
  if (crossOperatorNet !== 0n) failures.push(`cross-operator nets sum to ${crossOperatorNet}, not zero`);
  if (state.rtgs.balance !== -reserveCredited) failures.push(`rtgs ${state.rtgs.balance} != -(reserve credited ${reserveCredited})`);
  return failures;
}
