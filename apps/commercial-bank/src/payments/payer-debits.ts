/**
 * The payer's side of a settled payment on this bank's books: the payer's mirror
 * (wallets.balance) goes down, a `payment-out` history line appears, and the deposit book moves
 * the DC out of `dc-settlement` (which mirrors the DC our customers hold) into `clearing`; and the
 * payee's side of a credit, the other way. The steps run inside PostgreSQL (the functions of
 * migrations/0007-apply-ledger-answers.sql), so a ledger message costs one round trip, not about
 * ten (docs/decisions/0019-bank-applies-ledger-answers-in-sql.md); this module builds their
 * arguments and reads their answers.
 *
 * Invariants (kept by those functions):
 * - a payment leaves its payer's mirror exactly once, whichever answer of the ledger brings it
 *   (the result of our own command, or a credit to one of our wallets from one of our wallets):
 *   the `payment-out` history line, unique per (wallet, reference), is the one mark, written in
 *   the same transaction as the debit;
 * - a mirror never goes below zero: the ledger sends the results of a batch before its credits,
 *   so a wallet that is credited and pays in the same ledger batch would be debited before its
 *   credit arrives; such a debit waits (payments.payer_debited = false) and is taken when the next
 *   answer that concerns the wallet arrives, at the latest with that credit;
 * - the deposit book stays balanced: one entry per message and side, dc-settlement -> clearing for
 *   the sum debited, clearing -> dc-settlement for the sum credited, so a payment between two of
 *   our wallets nets to zero in clearing;
 * - money crosses into SQL as decimal strings cast to bigint, never as a JavaScript number.
 */
import type { Pool, PoolClient } from 'pg';
import { named } from '@cbdc/platform';

/** A decision of the ledger on one of our holders' payments, as the waiter hands it to a request. */
export interface PaymentDecision {
  readonly paymentId: string;
  readonly status: 'settled' | 'rejected';
  readonly code?: string;
  readonly detail?: string;
  readonly sequence?: string;
  readonly settledAt?: string;
}

export interface PaymentResult {
  readonly commandId: string;
  readonly status: 'accepted' | 'rejected';
  readonly code?: string;
  readonly detail?: string;
  readonly sequence?: bigint;
}

export interface WalletCredit {
  readonly paymentId: string;
  readonly payerWalletId: string;
  readonly payeeWalletId: string;
  readonly amount: bigint;
  readonly sequence: bigint;
}

/** A credit the ledger sent for a wallet this bank does not know (logged, never applied). */
export interface UnknownPayee {
  readonly paymentId: string;
  readonly walletId: string;
}

/** One ledger message for `applyLedgerAnswers`: its inbox id and its payment results or credits. */
export type LedgerAnswer =
  | { readonly type: 'results'; readonly messageId: string; readonly batchId: bigint; readonly committedAt: number; readonly results: readonly PaymentResult[] }
  | { readonly type: 'credits'; readonly messageId: string; readonly batchId: bigint; readonly credits: readonly WalletCredit[] };

/** A decision as the SQL functions answer it (JSON; the sequence as a decimal string). */
interface DecisionRow {
  readonly paymentId: string;
  readonly status: 'settled' | 'rejected';
  readonly code: string | null;
  readonly detail: string | null;
  readonly sequence: string | null;
  readonly settledAtMs?: number;
}

/**
 * Locks, in id order and before anything else, every wallet row these ledger messages will touch
 * (the wallets of the commands whose results they carry, and the payers and payees of their
 * credits), in one statement. The bank's other writers (a load, an unload) lock one wallet and
 * then deposit accounts; taking all wallets first keeps one order (wallets, then deposit
 * accounts) everywhere, so a message applied while holders act never deadlocks with them. The
 * lock is `for no key update`, which leaves free the key share a new payment's foreign key check
 * takes, so holders' payments are written while results are applied.
 */
export async function lockWalletsOfEvents(
  client: PoolClient,
  events: readonly ({ readonly type: 'results'; readonly body: { readonly results: readonly { readonly commandId: string }[] } } | { readonly type: 'credits'; readonly body: { readonly credits: readonly { readonly payerWalletId: string; readonly payeeWalletId: string }[] } })[],
): Promise<void> {
  const commandIds: string[] = [];
  const walletIds: string[] = [];
  for (const event of events) {
    if (event.type === 'results') for (const result of event.body.results) commandIds.push(result.commandId);
    else for (const credit of event.body.credits) walletIds.push(credit.payerWalletId, credit.payeeWalletId);
  }
  if (commandIds.length === 0 && walletIds.length === 0) return;
  await client.query(named('select lock_wallets_of_answers($1::text[], $2::text[])', [commandIds, walletIds]));
}

/**
 * Records the ledger's results for our holders' payments and debits the payers of the settled
 * ones, in the caller's transaction. Results of payments this bank has no row for (made around
 * the API) are left to the credits. Returns what was decided, for the waiter.
 */
export async function applyPaymentResults(client: PoolClient, results: readonly PaymentResult[], committedAtMs: number, reference: string): Promise<PaymentDecision[]> {
  if (results.length === 0) return [];
  const answered = await client.query<{ decided: DecisionRow[] }>(named('select apply_payment_results($1::jsonb, $2::bigint, $3::text) as decided', [
    JSON.stringify(results.map(resultJson)),
    committedAtMs,
    reference,
  ]));
  return answered.rows[0]!.decided.map((row) => decisionOf({ ...row, settledAtMs: committedAtMs }));
}

/**
 * Applies one credits message in the caller's transaction (see apply_wallet_credits); answers the
 * payment ids applied now (a redelivered credit is not among them) and the credits to wallets this
 * bank does not know.
 */
export async function applyWalletCredits(client: PoolClient, batchId: bigint, credits: readonly WalletCredit[]): Promise<{ fresh: Set<string>; unknownPayees: UnknownPayee[] }> {
  if (credits.length === 0) return { fresh: new Set(), unknownPayees: [] };
  const answered = await client.query<{ outcome: { fresh: string[]; unknownPayees: UnknownPayee[] } }>(named('select apply_wallet_credits($1::text, $2::jsonb) as outcome', [
    batchId.toString(),
    JSON.stringify(credits.map(creditJson)),
  ]));
  const outcome = answered.rows[0]!.outcome;
  return { fresh: new Set(outcome.fresh), unknownPayees: outcome.unknownPayees };
}

/**
 * Applies ledger messages that carry only payment results and credits in ONE statement: with the
 * pool (autocommit) that is one round trip and one transaction, inbox marks included. Answers the
 * decisions for the waiting requests and the credits to wallets this bank does not know.
 */
export async function applyLedgerAnswers(database: Pool | PoolClient, answers: readonly LedgerAnswer[]): Promise<{ decisions: PaymentDecision[]; unknownPayees: UnknownPayee[] }> {
  if (answers.length === 0) return { decisions: [], unknownPayees: [] };
  const body = answers.map((answer) =>
    answer.type === 'results'
      ? { type: 'results', messageId: answer.messageId, batchId: answer.batchId.toString(), committedAt: answer.committedAt, results: answer.results.map(resultJson) }
      : { type: 'credits', messageId: answer.messageId, batchId: answer.batchId.toString(), credits: answer.credits.map(creditJson) },
  );
  const answered = await database.query<{ outcome: { decisions: DecisionRow[]; unknownPayees: UnknownPayee[] } }>(named('select apply_ledger_answers($1::jsonb) as outcome', [JSON.stringify(body)]));
  const outcome = answered.rows[0]!.outcome;
  return { decisions: outcome.decisions.map(decisionOf), unknownPayees: outcome.unknownPayees };
}

function resultJson(result: PaymentResult): Record<string, string | null> {
  return {
    commandId: result.commandId,
    status: result.status,
    code: result.code ?? null,
    detail: result.detail ?? null,
    sequence: result.sequence === undefined ? null : result.sequence.toString(),
  };
}

function creditJson(credit: WalletCredit): Record<string, string> {
  return {
    paymentId: credit.paymentId,
    payerWalletId: credit.payerWalletId,
    payeeWalletId: credit.payeeWalletId,
    amount: credit.amount.toString(),
    sequence: credit.sequence.toString(),
  };
}

function decisionOf(row: DecisionRow): PaymentDecision {
  if (row.status === 'settled') {
    if (row.sequence === null || row.settledAtMs === undefined) throw new Error(`payment ${row.paymentId}: a settled decision without its sequence or time`);
    return { paymentId: row.paymentId, status: 'settled', sequence: row.sequence, settledAt: new Date(row.settledAtMs).toISOString() };
  }
  if (row.code === null) throw new Error(`payment ${row.paymentId}: a rejected decision without its code`);
  return { paymentId: row.paymentId, status: 'rejected', code: row.code, ...(row.detail ? { detail: row.detail } : {}) };
}
