import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import type { SupplyReportV1 } from '@cbdc/contracts';
import { PG_POOL, withSnapshot } from '@cbdc/platform';
import { evaluateSupply, type SupplyFacts } from './supply-invariants';

/** Negative accounts named in a failure, at most. */
export const negativeSamplesMax = 10;

/**
 * The supply report: DC outstanding, issued and recalled, per operator, and the ledger's
 * invariants, all from the committed database in ONE read-only snapshot (repeatable read), so the
 * totals it compares belong to the same instant even while the engine commits batches.
 *
 * It reads the whole of `ledger_commands` for invariant 3 (distinct ids and sequences) and counts
 * each block's entries for invariant 5: a report for staff and auditors, not a call for a hot path.
 */
@Injectable()
export class SupplyService {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async report(): Promise<SupplyReportV1> {
    const { totals, negatives, commands, operators, anchor } = await withSnapshot(this.pool, async (client) => {
      const totals = await client.query<Record<string, string>>(
        `select
           (select coalesce(sum(amount), 0) from ledger_commands where command_type = 'ledger.issue' and status = 'accepted') as issued,
           (select coalesce(sum(amount), 0) from ledger_commands where command_type = 'ledger.recall' and status = 'accepted') as recalled,
           (select coalesce(sum(balance), 0) from accounts where kind = 'vault') as vaults,
           (select coalesce(sum(balance), 0) from accounts where kind = 'wallet') as wallets,
           (select coalesce(sum(balance), 0) from accounts) as balance_sum,
           (select coalesce(sum(balance), 0) from accounts where kind = 'rtgs') as rtgs,
           (select count(*) from accounts where kind <> 'rtgs' and balance < 0) as negatives,
           now() as as_of`,
      );
      const negatives = await client.query<{ id: string; balance: string }>(
        `select id, balance from accounts where kind <> 'rtgs' and balance < 0 order by id limit $1`,
        [negativeSamplesMax],
      );
      const commands = await client.query<Record<string, string>>(
        `select count(*) as total, count(distinct command_id) as ids, count(*) filter (where status = 'accepted') as accepted,
                count(sequence) as sequences, count(distinct sequence) as distinct_sequences
         from ledger_commands`,
      );
      const operators = await client.query<Record<string, string>>(
        `select o.id, o.reserve_credited, o.issued, o.recalled, o.cross_operator_net,
                coalesce(r.balance, 0) as reserve, coalesce(v.balance, 0) as vault, coalesce(w.held, 0) as wallets_held,
                coalesce(c.credited, 0) as credited_cmd, coalesce(c.issued, 0) as issued_cmd, coalesce(c.recalled, 0) as recalled_cmd
         from operators o
         left join accounts r on r.id = 'reserve:' || o.id
         left join accounts v on v.id = 'vault:' || o.id
         left join (
           select wl.operator_id, sum(a.balance) as held
           from wallets wl join accounts a on a.id = 'wallet:' || wl.id
           group by wl.operator_id
         ) w on w.operator_id = o.id
         left join (
           select operator_id,
                  sum(amount) filter (where command_type = 'ledger.credit-reserve') as credited,
                  sum(amount) filter (where command_type = 'ledger.issue') as issued,
                  sum(amount) filter (where command_type = 'ledger.recall') as recalled
           from ledger_commands
           where status = 'accepted' and command_type in ('ledger.credit-reserve', 'ledger.issue', 'ledger.recall')
           group by operator_id
         ) c on c.operator_id = o.id
         order by o.id`,
      );
      const anchor = await client.query<Record<string, string | null>>(
        `select
           (select count(*) from anchor_blocks) as blocks,
           (select min(height) from anchor_blocks) as lowest_height,
           (select first_sequence from anchor_blocks order by height limit 1) as lowest_first_sequence,
           (select count(*) from anchor_blocks b
              left join anchor_blocks p on p.height = b.height - 1
              where b.height > (select min(height) from anchor_blocks)
                and (p.height is null or b.first_sequence <> p.last_sequence + 1 or b.previous_hash <> p.block_hash)) as broken_links,
           (select count(*) from anchor_blocks b
              where b.entry_count <> (select count(*) from ledger_commands c where c.sequence between b.first_sequence and b.last_sequence)) as miscounted,
           (select count(*) from ledger_commands where sequence > anchor_sealed_through()) as unsealed`,
      );
      return { totals, negatives, commands, operators, anchor };
    });
    const a = anchor.rows[0]!;
    const t = totals.rows[0]!;
    const c = commands.rows[0]!;
    const facts: SupplyFacts = {
      issuedByCommands: BigInt(t.issued!),
      recalledByCommands: BigInt(t.recalled!),
      heldInVaults: BigInt(t.vaults!),
      heldInWallets: BigInt(t.wallets!),
      balanceSum: BigInt(t.balance_sum!),
      rtgsBalance: BigInt(t.rtgs!),
      negativeCount: BigInt(t.negatives!),
      negativeSamples: negatives.rows.map((row) => ({ accountId: row.id, balance: BigInt(row.balance) })),
      commandCount: BigInt(c.total!),
      distinctCommandIds: BigInt(c.ids!),
      acceptedCount: BigInt(c.accepted!),
      sequenceCount: BigInt(c.sequences!),
      distinctSequences: BigInt(c.distinct_sequences!),
      anchor: {
        blocks: BigInt(a.blocks!),
        lowestHeight: a.lowest_height === null ? null : BigInt(a.lowest_height!),
        lowestFirstSequence: a.lowest_first_sequence === null ? null : BigInt(a.lowest_first_sequence!),
        brokenLinks: BigInt(a.broken_links!),
        miscountedBlocks: BigInt(a.miscounted!),
        unsealedEntries: BigInt(a.unsealed!),
      },
      operators: operators.rows.map((row) => ({
        operatorId: row.id!,
        reserve: BigInt(row.reserve!),
        vault: BigInt(row.vault!),
        walletsHeld: BigInt(row.wallets_held!),
        reserveCredited: BigInt(row.reserve_credited!),
        issued: BigInt(row.issued!),
        recalled: BigInt(row.recalled!),
        crossOperatorNet: BigInt(row.cross_operator_net!),
        creditedByCommands: BigInt(row.credited_cmd!),
        issuedByCommands: BigInt(row.issued_cmd!),
        recalledByCommands: BigInt(row.recalled_cmd!),
      })),
    };
    return evaluateSupply(facts, new Date(t.as_of!));
  }
}
