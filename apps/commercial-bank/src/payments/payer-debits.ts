/**
 * The payer's side of a settled payment on this bank's books: the payer's mirror
 * (wallets.balance) goes down, a `payment-out` history line appears, and the deposit book moves
 * the DC out of `dc-settlement` (which mirrors the DC our customers hold) into `clearing`.
 *
 * Invariants:
 * - a payment leaves its payer's mirror exactly once, whichever answer of the ledger brings it
 *   (the result of our own command, or a credit to one of our wallets from one of our wallets):
 *   the `payment-out` history line, unique per (wallet, reference), is the one mark, written in
 *   the same transaction as the debit;
 * - a mirror never goes below zero: the ledger sends the results of a batch before its credits,
 *   so a wallet that is credited and pays in the same ledger batch would be debited before its
 *   credit arrives; such a debit waits (payments.payer_debited = false) and is taken when the next
 *   answer that concerns the wallet arrives, at the latest with that credit;
 * - the deposit book stays balanced: one entry per call, dc-settlement -> clearing, for the sum
 *   debited; the payee's side (LedgerEventsService.applyCredits) posts clearing -> dc-settlement, so
 *   a payment between two of our wallets nets to zero in clearing.
 */
import type { PoolClient } from 'pg';
import { named } from '@cbdc/platform';
import { clearingAccount, dcSettlementAccount, postEntry } from '../core-banking/deposit-book';

export interface PayerDebit {
  readonly paymentId: string;
  readonly payerWalletId: string;
  readonly payeeWalletId: string;
  readonly amount: bigint;
  readonly sequence: bigint;
}

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

/**
 * Locks (and returns the ids of, those that are ours), in id order and before anything else, every wallet row a message of the ledger will
 * touch. The bank's other writers (a load, an unload) lock one wallet and then deposit accounts;
 * taking all wallets first here keeps one order (wallets, then deposit accounts) everywhere, so a
 * message applied while holders act never deadlocks with them. The lock is `for no key update`,
 * the mode an update of a balance takes anyway: it leaves the key share that a new payment's
 * foreign key check takes free, so holders' payments are written while results are applied
 * (with `for update` each payment waited for the whole results transaction, commit included).
 */
export async function lockWallets(client: PoolClient, walletIds: readonly string[]): Promise<Set<string>> {
  if (walletIds.length === 0) return new Set();
  const locked = await client.query<{ id: string }>(named('select id from wallets where id = any($1) order by id for no key update', [[...new Set(walletIds)]]));
  return new Set(locked.rows.map((row) => row.id));
}

/**
 * lockWallets for everything several ledger messages touch (the wallets of the commands whose
 * results they carry, and the payers and payees of their credits), in one statement and in id
 * order, before any of them is applied.
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
  await client.query(named(
    `select id from wallets where id in (
       select id from wallets where command_id = any($1)
       union all select wallet_id from ledger_requests where command_id = any($1)
       union all select payer_wallet_id from payments where payment_id = any($1)
       union all select unnest($2::text[])
     ) order by id for no key update`,
    [commandIds, walletIds],
  ));
}

/**
 * Records the ledger's results for our holders' payments (set-based: one statement for the whole
 * message) and debits the payers of the settled ones. Results of payments this bank has no row
 * for (made around the API) are left to the credits. Returns what was decided, for the waiter.
 */
export async function applyPaymentResults(client: PoolClient, results: readonly PaymentResult[], committedAtMs: number, reference: string): Promise<PaymentDecision[]> {
  if (results.length === 0) return [];
  const decided = await client.query<{ payment_id: string; payer_wallet_id: string; status: 'settled' | 'rejected'; code: string | null; detail: string | null; sequence: string | null }>(named(
    `update payments p set status = d.status, code = d.code, detail = d.detail, sequence = d.sequence, decided_at = to_timestamp($6::double precision / 1000)
     from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) as d(payment_id, status, code, detail, sequence)
     where p.payment_id = d.payment_id and p.status = 'pending'
     returning p.payment_id, p.payer_wallet_id, p.status, p.code, p.detail, p.sequence`,
    [
      results.map((r) => r.commandId),
      results.map((r) => (r.status === 'accepted' ? 'settled' : 'rejected')),
      results.map((r) => (r.status === 'accepted' ? null : (r.code ?? 'REJECTED'))),
      results.map((r) => (r.status === 'accepted' ? null : (r.detail ?? null))),
      results.map((r) => (r.status === 'accepted' ? (r.sequence ?? 0n).toString() : null)),
      committedAtMs,
    ],
  ));
  const settledAt = new Date(committedAtMs).toISOString();
  const payers = decided.rows.filter((row) => row.status === 'settled').map((row) => row.payer_wallet_id);
  await debitPayers(client, payers, [], reference);
  return decided.rows.map((row) =>
    row.status === 'settled'
      ? { paymentId: row.payment_id, status: 'settled', sequence: row.sequence!, settledAt }
      : { paymentId: row.payment_id, status: 'rejected', code: row.code!, ...(row.detail ? { detail: row.detail } : {}) },
  );
}

/**
 * Debits, inside the caller's transaction, every settled payment of these wallets that has not
 * left its payer's mirror yet, plus `extra` debits of payments without a row here (a credit from
 * one of our wallets to another that was made around the API). `reference` names the one
 * deposit-book entry of this call; it must be unique (the message being applied).
 */
export async function debitPayers(client: PoolClient, walletIds: readonly string[], extra: readonly PayerDebit[], reference: string): Promise<void> {
  const wallets = [...new Set([...walletIds, ...extra.map((debit) => debit.payerWalletId)])].sort();
  if (wallets.length === 0) return;
  const locked = await client.query<{ id: string; balance: string }>(named('select id, balance from wallets where id = any($1) order by id for no key update', [wallets]));
  const balances = new Map(locked.rows.map((row) => [row.id, BigInt(row.balance)]));
  // Settled payments of these wallets not debited yet, each with whether its history line (the
  // mark of the debit) exists: looked up by the unique (wallet, kind, reference) index.
  const due = await client.query<{ payment_id: string; payer_wallet_id: string; payee_wallet_id: string; amount: string; sequence: string; debited: boolean }>(named(
    `select p.payment_id, p.payer_wallet_id, p.payee_wallet_id, p.amount, p.sequence,
            exists (select 1 from wallet_history h where h.wallet_id = p.payer_wallet_id and h.kind = 'payment-out' and h.reference = p.payment_id) as debited
     from payments p
     where p.payer_wallet_id = any($1) and p.status = 'settled' and not p.payer_debited`,
    [wallets],
  ));
  const candidates = new Map<string, PayerDebit>();
  const alreadyDebited = new Set<string>();
  for (const row of due.rows) {
    candidates.set(row.payment_id, { paymentId: row.payment_id, payerWalletId: row.payer_wallet_id, payeeWalletId: row.payee_wallet_id, amount: BigInt(row.amount), sequence: BigInt(row.sequence) });
    if (row.debited) alreadyDebited.add(row.payment_id);
  }
  const extraDue = extra.filter((debit) => balances.has(debit.payerWalletId) && !candidates.has(debit.paymentId));
  for (const debit of extraDue) candidates.set(debit.paymentId, debit);
  if (candidates.size === 0) return;
  if (extraDue.length > 0) {
    const seen = await client.query<{ reference: string }>(named(
      `select h.reference from wallet_history h join unnest($1::text[], $2::text[]) as d(wallet_id, reference)
         on h.wallet_id = d.wallet_id and h.reference = d.reference
       where h.kind = 'payment-out'`,
      [extraDue.map((debit) => debit.payerWalletId), extraDue.map((debit) => debit.paymentId)],
    ));
    for (const row of seen.rows) alreadyDebited.add(row.reference);
  }
  // In ledger order, so a later payment waits rather than an earlier one.
  const ordered = [...candidates.values()].filter((debit) => !alreadyDebited.has(debit.paymentId)).sort((a, b) => (a.sequence < b.sequence ? -1 : a.sequence > b.sequence ? 1 : 0));
  const taken: PayerDebit[] = [];
  for (const debit of ordered) {
    const balance = balances.get(debit.payerWalletId)!;
    if (balance < debit.amount) continue;
    balances.set(debit.payerWalletId, balance - debit.amount);
    taken.push(debit);
  }
  const marked = [...alreadyDebited, ...taken.map((debit) => debit.paymentId)];
  if (taken.length === 0) {
    if (marked.length > 0) await client.query(named(`update payments set payer_debited = true where payment_id = any($1) and status = 'settled'`, [marked]));
    return;
  }
  // The marks, the history lines and the mirrors in one statement (three tables, no row twice).
  await client.query(named(
    `with marked as (
       update payments set payer_debited = true where payment_id = any($6) and status = 'settled'
     ), lines as (
       insert into wallet_history (wallet_id, kind, reference, amount, sequence, counterparty)
       select wallet_id, 'payment-out', reference, amount, sequence, counterparty
       from unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::text[]) as d(wallet_id, reference, amount, sequence, counterparty)
     )
     update wallets w set balance = w.balance - d.amount
     from (select wallet_id, sum(amount) as amount from unnest($1::text[], $3::bigint[]) as t(wallet_id, amount) group by wallet_id) d
     where w.id = d.wallet_id`,
    [taken.map((d) => d.payerWalletId), taken.map((d) => d.paymentId), taken.map((d) => d.amount.toString()), taken.map((d) => d.sequence.toString()), taken.map((d) => d.payeeWalletId), marked],
  ));
  const total = taken.reduce((sum, debit) => sum + debit.amount, 0n);
  await postEntry(client, { reference, debit: dcSettlementAccount, credit: clearingAccount, amount: total });
}
