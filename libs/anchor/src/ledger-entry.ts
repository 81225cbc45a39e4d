// How a committed row of the central ledger (`ledger_commands` joined with its `ledger_batches`
// row) becomes an AnchorEntry. The central bank's sealer, an operator's replica and
// `cbdc audit verify` all read the rows with the same columns and map them here, so all three
// hash exactly the same bytes.
// Every stored column of an accepted command is bound: sequence, command id and type, the
// submitting operator, the accounts, the amount, the large-value flag, the batch, the batch's
// commit time, and the SHA-256 of the command's facts (PostgreSQL's jsonb text, which is
// canonical for a stored value). Commands that move no money (registrations) have no accounts
// and no amount; they are sealed too, with `-` accounts and amount 0, so "every accepted entry
// belongs to exactly one block" holds for every command type, including ones added later.
import { AnchorEntry } from './entry-encoding';

/** The account name of an entry that moves no money. */
export const noAccount = '-';

/** The columns the anchor reads for one accepted ledger command. */
export interface LedgerEntryRow {
  sequence: bigint;
  commandId: string;
  commandType: string;
  operatorId: string | null;
  debitAccount: string | null;
  creditAccount: string | null;
  amount: bigint | null;
  largeValue: boolean;
  batchId: bigint;
  committedAtMs: number;
  /** Lower-case hex SHA-256 of `facts::text`, or null when the command has no facts. */
  factsSha256: string | null;
}

/** The columns of `ledgerEntrySqlColumns` that come from the command row (`ledger_commands c`) alone. */
export const ledgerCommandSqlColumns = `c.sequence::text as sequence, c.command_id, c.command_type, c.operator_id, c.debit_account, c.credit_account,
  c.amount::text as amount, c.large_value, c.batch_id::text as batch_id,
  case when c.facts is null then null else encode(sha256(convert_to(c.facts::text, 'UTF8')), 'hex') end as facts_sha256`;

/** A batch's commit time as the anchor binds it: epoch milliseconds, as text, over `ledger_batches b`. */
export const batchCommittedAtMsSql = `floor(extract(epoch from b.committed_at) * 1000)::bigint::text`;

/**
 * The SELECT list (over `ledger_commands c join ledger_batches b on b.id = c.batch_id`) whose
 * columns `ledgerEntryFromSqlRow` reads. Shared so every reader hashes the same values.
 */
export const ledgerEntrySqlColumns = `${ledgerCommandSqlColumns},
  ${batchCommittedAtMsSql} as committed_at_ms`;

/** A row as node-postgres returns the columns of `ledgerEntrySqlColumns`. */
export interface LedgerEntrySqlRow {
  sequence: string;
  command_id: string;
  command_type: string;
  operator_id: string | null;
  debit_account: string | null;
  credit_account: string | null;
  amount: string | null;
  large_value: boolean;
  batch_id: string;
  committed_at_ms: string;
  facts_sha256: string | null;
}

export function ledgerEntryFromSqlRow(row: LedgerEntrySqlRow): LedgerEntryRow {
  return {
    sequence: BigInt(row.sequence),
    commandId: row.command_id,
    commandType: row.command_type,
    operatorId: row.operator_id,
    debitAccount: row.debit_account,
    creditAccount: row.credit_account,
    amount: row.amount === null ? null : BigInt(row.amount),
    largeValue: row.large_value,
    batchId: BigInt(row.batch_id),
    committedAtMs: Number(row.committed_at_ms),
    factsSha256: row.facts_sha256,
  };
}

export function anchorEntryFromLedgerRow(row: LedgerEntryRow): AnchorEntry {
  const attributes: Record<string, string> = {};
  if (row.operatorId !== null) attributes.operatorId = row.operatorId;
  if (row.largeValue) attributes.largeValue = 'true';
  if (row.factsSha256 !== null) attributes.factsSha256 = row.factsSha256;
  return {
    sequence: row.sequence,
    commandId: row.commandId,
    kind: row.commandType,
    debit: row.debitAccount ?? noAccount,
    credit: row.creditAccount ?? noAccount,
    amount: row.amount ?? 0n,
    batchId: row.batchId,
    committedAt: row.committedAtMs,
    attributes,
  };
}
