import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import {
  decimal,
  entriesPageLimitDefault,
  entriesPageLimitMax,
  object,
  optional,
  type AccountEntriesPageV1,
  type AccountEntryV1,
  type AccountViewV1,
} from '@cbdc/contracts';
import { PG_POOL } from '@cbdc/platform';
import { notFound, parseInput } from '../http/api-error';

/** Account ids are short (`wallet:` and a 41-character wallet id); longer ones cannot exist. */
export const accountIdLengthMax = 200;

const entriesQuery = object({
  after: optional(decimal()),
  limit: optional(decimal({ min: 1n, max: BigInt(entriesPageLimitMax) })),
});

interface EntryRow {
  sequence: string;
  command_id: string;
  command_type: string;
  debit_account: string;
  credit_account: string;
  amount: string;
  batch_id: string;
  committed_at: Date;
}

/** Balances and entries of ledger accounts, read from the committed ledger. */
@Injectable()
export class AccountsService {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async get(accountId: string): Promise<AccountViewV1> {
    const row = accountId.length <= accountIdLengthMax ? await this.row(accountId) : undefined;
    if (!row) throw notFound(`account ${accountId}`);
    return { accountId: row.id, kind: row.kind, operatorId: row.operator_id, balance: row.balance };
  }

  /**
   * The accepted entries that moved the account, in sequence order, after `after` (keyset
   * pagination: stable while the engine appends). Each side is an index range scan on the partial
   * indexes of 0002-ledger.sql, merged and cut to the page.
   */
  async entries(accountId: string, query: unknown): Promise<AccountEntriesPageV1> {
    const q = parseInput(entriesQuery, query ?? {});
    if (accountId.length > accountIdLengthMax || !(await this.row(accountId))) throw notFound(`account ${accountId}`);
    const limit = Number(q.limit ?? BigInt(entriesPageLimitDefault));
    const result = await this.pool.query<EntryRow>(
      `select e.sequence, e.command_id, e.command_type, e.debit_account, e.credit_account, e.amount, e.batch_id, b.committed_at
       from (
         (select * from ledger_commands where debit_account = $1 and status = 'accepted' and sequence > $2 order by sequence limit $3)
         union all
         (select * from ledger_commands where credit_account = $1 and status = 'accepted' and sequence > $2 order by sequence limit $3)
       ) e
       join ledger_batches b on b.id = e.batch_id
       order by e.sequence limit $3`,
      [accountId, (q.after ?? 0n).toString(), limit],
    );
    const entries: AccountEntryV1[] = result.rows.map((row) => {
      const debit = row.debit_account === accountId;
      return {
        sequence: row.sequence,
        commandId: row.command_id,
        commandType: row.command_type,
        direction: debit ? 'debit' : 'credit',
        counterpartyAccount: debit ? row.credit_account : row.debit_account,
        amount: row.amount,
        batchId: row.batch_id,
        committedAt: row.committed_at.toISOString(),
      };
    });
    return { accountId, entries, nextAfter: entries.length === limit ? entries[entries.length - 1]!.sequence : null };
  }

  private async row(accountId: string): Promise<{ id: string; kind: string; operator_id: string | null; balance: string } | undefined> {
    const result = await this.pool.query<{ id: string; kind: string; operator_id: string | null; balance: string }>(
      'select id, kind, operator_id, balance from accounts where id = $1',
      [accountId],
    );
    return result.rows[0];
  }
}
