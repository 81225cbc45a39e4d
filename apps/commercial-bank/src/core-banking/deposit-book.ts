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
  const locked = await client.query<{ id: string; balance: string; contra: boolean }>(
    'select id, balance, contra from deposit_accounts where id = any($1) order by id for update',
    [[entry.debit, entry.credit]],
  );
  if (locked.rows.length !== 2) throw new Error(`entry ${entry.reference}: account ${entry.debit} or ${entry.credit} does not exist`);
  const seen = await client.query('select 1 from deposit_entries where reference = $1', [entry.reference]);
  if (seen.rows.length > 0) return 'already-posted';
  const debit = locked.rows.find((row) => row.id === entry.debit)!;
  if (!debit.contra && BigInt(debit.balance) < entry.amount) return 'insufficient';
  await client.query('insert into deposit_entries (reference, debit_account, credit_account, amount) values ($1, $2, $3, $4)', [
    entry.reference,
    entry.debit,
    entry.credit,
    entry.amount.toString(),
  ]);
  await client.query(
    `update deposit_accounts as a set balance = a.balance + d.delta
     from (values ($1::text, -$3::bigint), ($2::text, $3::bigint)) as d(id, delta) where a.id = d.id`,
    [entry.debit, entry.credit, entry.amount.toString()],
  );
  return 'posted';
}
