/**
 * Builders for the ledger's own tests: deterministic keys, commands with fresh ids, and a funded
 * two-operator ledger. Not exported from the library; tests only.
 */
import type { AccountId } from './accounts';
import { type BatchContext, type BatchOutcome, type CommandResult, applyBatch } from './apply-batch';
import type {
  AuditRecordCommand,
  ChangeWalletClassCommand,
  CreditReserveCommand,
  IssueCommand,
  LedgerCommand,
  LoadCommand,
  PaymentCommand,
  RecallCommand,
  RegisterOperatorCommand,
  RegisterWalletCommand,
  UnloadCommand,
} from './ledger-commands';
import { type LedgerState, createLedgerState } from './ledger-state';
import { yuan } from './money';
import { type LedgerPolicy, createPolicy } from './policy';

/** 2025-01-15 10:00 in China (+08:00). */
export const fixtureNowMs = Date.UTC(2025, 0, 15, 2, 0, 0);
export const fixturePolicy: LedgerPolicy = createPolicy({ preset: 'ccb-2020' });
export const fixtureContext: BatchContext = { nowMs: fixtureNowMs, policy: fixturePolicy };

let commandSequence = 0;
export function nextCommandId(prefix = 'cmd'): string {
  commandSequence++;
  return `${prefix}-${commandSequence}`;
}

/** A deterministic 32-byte "public key" for a name: tests need distinct keys, not real ones. */
export function keyFor(name: string): Uint8Array {
  const key = new Uint8Array(32);
  let hash = 2166136261;
  for (let index = 0; index < 32; index++) {
    const code = name.charCodeAt(index % name.length);
    hash = Math.imul(hash ^ (code + index), 16777619) >>> 0;
    key[index] = hash & 0xff;
  }
  return key;
}

export function registerOperator(operatorId: string, fields: Partial<RegisterOperatorCommand> = {}): RegisterOperatorCommand {
  return { kind: 'register-operator', commandId: nextCommandId(), operatorId, name: `Operator ${operatorId}`, operatorKind: 'bank', publicKey: keyFor(`operator:${operatorId}`), issueQuotaAuto: yuan(1_000_000n), ...fields };
}

export function creditReserve(operatorId: string, amount: bigint): CreditReserveCommand {
  return { kind: 'credit-reserve', commandId: nextCommandId(), operatorId, amount };
}

export function issue(operatorId: string, amount: bigint): IssueCommand {
  return { kind: 'issue', commandId: nextCommandId(), operatorId, amount };
}

export function recall(operatorId: string, amount: bigint): RecallCommand {
  return { kind: 'recall', commandId: nextCommandId(), operatorId, amount };
}

export function registerWallet(walletId: string, operatorId: string, walletClass: number, fields: Partial<RegisterWalletCommand> = {}): RegisterWalletCommand {
  return { kind: 'register-wallet', commandId: nextCommandId(), walletId, operatorId, walletClass, publicKey: keyFor(`wallet:${walletId}`), ...fields };
}

export function changeWalletClass(operatorId: string, walletId: string, walletClass: number): ChangeWalletClassCommand {
  return { kind: 'change-wallet-class', commandId: nextCommandId(), operatorId, walletId, walletClass };
}

export function load(operatorId: string, walletId: string, amount: bigint): LoadCommand {
  return { kind: 'load', commandId: nextCommandId(), operatorId, walletId, amount };
}

/** An unload whose signature verified under the wallet's own key unless `signer` says otherwise. */
export function unload(operatorId: string, walletId: string, amount: bigint, counter: bigint, signer: Uint8Array | null = keyFor(`wallet:${walletId}`)): UnloadCommand {
  return { kind: 'unload', commandId: nextCommandId(), operatorId, walletId, amount, counter, verifiedSignerKey: signer };
}

/** A payment whose signature verified under the payer's own key unless `signer` says otherwise. */
export function payment(payerWalletId: string, payeeWalletId: string, amount: bigint, counter: bigint, signer: Uint8Array | null = keyFor(`wallet:${payerWalletId}`)): PaymentCommand {
  return { kind: 'payment', commandId: nextCommandId('pay'), payerWalletId, payeeWalletId, amount, counter, verifiedSignerKey: signer };
}

export function auditRecord(digest: Uint8Array = keyFor(`audit:${nextCommandId()}`)): AuditRecordCommand {
  return { kind: 'audit-record', commandId: nextCommandId('audit'), digest };
}

export function applyOne(state: LedgerState, command: LedgerCommand, context: BatchContext = fixtureContext): CommandResult {
  return applyBatch(state, [command], context).results[0];
}

/** Applies commands that must all be accepted: scenario setup. */
export function applyAccepted(state: LedgerState, commands: readonly LedgerCommand[], context: BatchContext = fixtureContext): BatchOutcome {
  const outcome = applyBatch(state, commands, context);
  const refused = outcome.results.filter((result) => result.status !== 'accepted');
  if (refused.length > 0) throw new Error(`setup not accepted: ${JSON.stringify(refused)}`);
  return outcome;
}

export function balanceOf(state: LedgerState, accountId: AccountId): bigint {
  const account = state.accounts.get(accountId);
  if (account === undefined) throw new Error(`no account ${accountId}`);
  return account.balance;
}

/**
 * Two banks with 10,000,000 yuan of reserves each, 1,000,000 yuan issued to each, and wallets:
 * alice (bank-a, class 1) and bob (bank-b, class 1) with 20,000 yuan each, carol (bank-a, class 4)
 * with 500 yuan, dave (bank-b, class 2) empty.
 */
export function fundedLedger(): LedgerState {
  const state = createLedgerState();
  applyAccepted(state, [
    registerOperator('bank-a'),
    registerOperator('bank-b'),
    creditReserve('bank-a', yuan(10_000_000n)),
    creditReserve('bank-b', yuan(10_000_000n)),
    issue('bank-a', yuan(1_000_000n)),
    issue('bank-b', yuan(1_000_000n)),
    registerWallet('alice', 'bank-a', 1),
    registerWallet('bob', 'bank-b', 1),
    registerWallet('carol', 'bank-a', 4),
    registerWallet('dave', 'bank-b', 2),
    load('bank-a', 'alice', yuan(20_000n)),
    load('bank-b', 'bob', yuan(20_000n)),
    load('bank-a', 'carol', yuan(500n)),
  ]);
  return state;
}
