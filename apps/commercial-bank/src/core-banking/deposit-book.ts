/**
 * The bank's own double-entry book of deposits, in fen.
 *
 * Invariants (backed by the schema, 0002-core-banking.sql):
 * - every change of a balance is one entry that debits one account and credits another by the
 *   same positive amount, so the sum of all balances stays zero;
 * - a customer's balance never goes below zero; only the bank's own contra accounts may;
 * - an entry's reference is unique, so a step that runs twice (a redelivered event, a retried
 *   request) posts once.
 */
import type { PoolClient } from 'pg';
import { named } from '@cbdc/platform';

export const cashInAccount = 'cash-in';
export const clearingAccount = 'clearing';
/** Mirrors the DC the bank's customers hold (or are being given): loads in, unloads out. */
export const dcSettlementAccount = 'dc-settlement';

export function customerAccount(customerId: string): string {
  return `customer:${customerId}`;
}

export interface DepositEntry {
  readonly reference: string;
  readonly debit: string;
  readonly credit: string;
  readonly amount: bigint;
}

export type PostOutcome = 'posted' | 'already-posted' | 'insufficient';

/**
 * Posts one entry inside the caller's transaction. Both accounts are locked in id order first,
 * so two entries over the same accounts never deadlock. On 'insufficient' nothing was written,
 * and the caller decides (usually: roll back and answer INSUFFICIENT_DEPOSIT).
 */
export async function postEntry(client: PoolClient, entry: DepositEntry): Promise<PostOutcome> {
  if (entry.amount <= 0n) throw new Error(`entry ${entry.reference}: amount must be positive`);
  if (entry.debit === entry.credit) throw new Error(`entry ${entry.reference}: debit and credit are the same account`);
  // One round trip locks both accounts (in id order) and tells whether the entry was posted before.
  const locked = await client.query<{ id: string; balance: string; contra: boolean; seen: boolean }>(named(
    `select id, balance, contra, exists (select 1 from deposit_entries where reference = $2) as seen
     from deposit_accounts where id = any($1) order by id for update`,
    [[entry.debit, entry.credit], entry.reference],
  ));
  if (locked.rows.length !== 2) throw new Error(`entry ${entry.reference}: account ${entry.debit} or ${entry.credit} does not exist`);
  if (locked.rows[0]!.seen) return 'already-posted';
  const debit = locked.rows.find((row) => row.id === entry.debit)!;
  if (!debit.contra && BigInt(debit.balance) < entry.amount) return 'insufficient';
  // The entry and both balances in one statement: the entry's insert feeds the update, so both or neither happen.
  await client.query(named(
    `with posted as (
       insert into deposit_entries (reference, debit_account, credit_account, amount) values ($1, $2, $3, $4) returning amount
     )
     update deposit_accounts as a set balance = a.balance + d.sign * posted.amount
     from (values ($2::text, -1), ($3::text, 1)) as d(id, sign), posted
     where a.id = d.id`,
    [entry.reference, entry.debit, entry.credit, entry.amount.toString()],
  ));
  return 'posted';
}
