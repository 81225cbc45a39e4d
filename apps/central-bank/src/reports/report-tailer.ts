/**
 * Turns committed ledger payments into reports to the regulator, off the ledger's hot path: a
 * tailer reads accepted entries in sequence order after a stored position, applies the rules of
 * report-rules.ts, and writes each report to the outbox in the same transaction that moves the
 * position. The outbox relay publishes after commit on `regulator.reports.v1`.
 *
 * Invariants: every accepted payment is looked at once, in sequence order (the position row is
 * locked for the whole step, so two processes never tail at once); a report id is derived from
 * its payment, so the regulator stores a redelivered report once; a report carries wallet ids and
 * escrows (sealed to the regulator), never an identity, which the central bank does not have.
 *
 * Sequences are taken in the engine's batch transactions; with several partitions a batch with
 * lower sequences may commit after one with higher ones. The tailer therefore stops at a gap in
 * the sequence until the gap is `gapGraceMs` old (a rolled-back batch leaves a gap for ever).
 */
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { encodeMessage, regulatorReportV1, type RegulatorReportV1, type ReportPaymentV1, type WalletEscrowV1 } from '@cbdc/contracts';
import { LOGGER, PG_POOL, withTransaction, type Logger } from '@cbdc/platform';
import { CENTRAL_BANK_SETTINGS } from '../central-bank.tokens';
import type { CentralBankSettings } from '../central-bank.settings';
import { OutboxRelay, writeOutbox, type OutboxMessage } from '../outbox/outbox-relay';
import { PolicyService } from '../policy/policy.service';
import { hourMs, isJustUnder, largeValueReportId, structuringFires, structuringReportId, type StructuringRule } from './report-rules';

/** Ledger entries looked at per step. */
export const reportEntriesPerStepMax = 500;
/** A gap in the entry sequence older than this is a rolled-back batch, not one still committing. */
export const gapGraceMs = 5_000;
const tailerName = 'regulator-reports';
const paymentType = 'ledger.payment';

interface EntryRow {
  command_id: string;
  command_type: string;
  sequence: string;
  debit_account: string | null;
  credit_account: string | null;
  amount: string | null;
  large_value: boolean;
  committed_at: Date;
}

export interface ReportTailerOptions {
  readonly topic: string;
  readonly structuring: StructuringRule;
  /** The large-value threshold in force, fen. */
  readonly threshold: () => bigint;
  readonly now?: () => number;
}

function walletOf(account: string): string {
  return account.startsWith('wallet:') ? account.slice('wallet:'.length) : account;
}

/** One tailing step: reads, decides, writes. Returns how many entries it moved past. */
export async function tailReportsOnce(pool: Pool, options: ReportTailerOptions): Promise<{ entries: number; reports: RegulatorReportV1[] }> {
  const now = options.now ?? Date.now;
  return withTransaction(pool, async (client) => {
    await client.query('insert into report_positions (tailer) values ($1) on conflict (tailer) do nothing', [tailerName]);
    const position = await client.query<{ last_sequence: string }>('select last_sequence from report_positions where tailer = $1 for update', [tailerName]);
    let last = BigInt(position.rows[0]!.last_sequence);
    const result = await client.query<EntryRow>(
      `select c.command_id, c.command_type, c.sequence, c.debit_account, c.credit_account, c.amount, c.large_value, b.committed_at
       from ledger_commands c join ledger_batches b on b.id = c.batch_id
       where c.sequence > $1 order by c.sequence limit $2`,
      [last.toString(), reportEntriesPerStepMax],
    );
    const threshold = options.threshold();
    const reports: RegulatorReportV1[] = [];
    let entries = 0;
    for (const row of result.rows) {
      const sequence = BigInt(row.sequence);
      if (sequence !== last + 1n && now() - row.committed_at.getTime() < gapGraceMs) break;
      last = sequence;
      entries++;
      if (row.command_type !== paymentType || row.amount === null || row.debit_account === null || row.credit_account === null) continue;
      const payment: ReportPaymentV1 = {
        paymentId: row.command_id,
        payerWalletId: walletOf(row.debit_account),
        payeeWalletId: walletOf(row.credit_account),
        amount: BigInt(row.amount),
        sequence,
        committedAt: row.committed_at.toISOString(),
      };
      if (row.large_value) {
        reports.push(
          await report(client, 'large-value', largeValueReportId(payment.paymentId), threshold, 'a payment at or above the large-value threshold', [payment], row.committed_at),
        );
      } else if (isJustUnder(payment.amount, threshold, options.structuring)) {
        const structuring = await structuringReport(client, payment, row.committed_at, threshold, options.structuring);
        if (structuring) reports.push(structuring);
      }
    }
    if (entries > 0) await client.query('update report_positions set last_sequence = $2, updated_at = now() where tailer = $1', [tailerName, last.toString()]);
    const outbox: OutboxMessage[] = reports.map((r) => ({ topic: options.topic, key: r.escrows[0]?.walletId ?? r.reportId, payload: encodeMessage(regulatorReportV1, r) }));
    await writeOutbox(client, outbox);
    return { entries, reports };
  });
}

async function structuringReport(
  client: PoolClient,
  payment: ReportPaymentV1,
  committedAt: Date,
  threshold: bigint,
  rule: StructuringRule,
): Promise<RegulatorReportV1 | null> {
  const since = new Date(committedAt.getTime() - rule.windowHours * hourMs);
  const reported = await client.query(
    `select 1 from regulator_reports where report_kind = 'structuring' and payer_wallet_id = $1 and trigger_committed_at > $2 limit 1`,
    [payment.payerWalletId, since],
  );
  const runs = await client.query<EntryRow>(
    `select c.command_id, c.command_type, c.sequence, c.debit_account, c.credit_account, c.amount, c.large_value, b.committed_at
     from ledger_commands c join ledger_batches b on b.id = c.batch_id
     where c.debit_account = $1 and c.status = 'accepted' and c.command_type = $2 and c.sequence <= $3 and b.committed_at > $4
     order by c.sequence desc limit $5`,
    [`wallet:${payment.payerWalletId}`, paymentType, payment.sequence.toString(), since, reportEntriesPerStepMax],
  );
  const justUnder = runs.rows.filter((row) => isJustUnder(BigInt(row.amount!), threshold, rule)).slice(0, 64).reverse();
  if (!structuringFires(justUnder.length, reported.rows.length > 0, rule)) return null;
  const payments: ReportPaymentV1[] = justUnder.map((row) => ({
    paymentId: row.command_id,
    payerWalletId: walletOf(row.debit_account!),
    payeeWalletId: walletOf(row.credit_account!),
    amount: BigInt(row.amount!),
    sequence: BigInt(row.sequence),
    committedAt: row.committed_at.toISOString(),
  }));
  const reason = `${payments.length} payments from one wallet within ${rule.windowHours} h, each at least ${rule.shareBps / 100}% of the threshold and under it`;
  return report(client, 'structuring', structuringReportId(payment.paymentId), threshold, reason, payments, committedAt);
}

async function report(
  client: PoolClient,
  kind: RegulatorReportV1['reportKind'],
  reportId: string,
  threshold: bigint,
  reason: string,
  payments: ReportPaymentV1[],
  committedAt: Date,
): Promise<RegulatorReportV1> {
  const trigger = payments[payments.length - 1]!;
  const walletIds = [trigger.payerWalletId, ...new Set(payments.map((p) => p.payeeWalletId))].filter((id, index, all) => all.indexOf(id) === index);
  const stored = await client.query<{ id: string; escrow: Buffer | null }>('select id, escrow from wallets where id = any($1)', [walletIds]);
  const escrowOf = new Map(stored.rows.map((row) => [row.id, row.escrow]));
  const escrows: WalletEscrowV1[] = walletIds.map((walletId) => {
    const escrow = escrowOf.get(walletId);
    return escrow ? { walletId, escrow: escrow.toString('hex') } : { walletId };
  });
  await client.query(
    `insert into regulator_reports (report_id, report_kind, payer_wallet_id, trigger_sequence, trigger_committed_at)
     values ($1, $2, $3, $4, $5) on conflict (report_id) do nothing`,
    [reportId, kind, trigger.payerWalletId, trigger.sequence.toString(), committedAt],
  );
  return { reportId, reportKind: kind, threshold, reason, payments, escrows };
}

/** Runs the tailer every REPORTS_POLL_MS in the central bank's process. */
@Injectable()
export class ReportTailer implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CENTRAL_BANK_SETTINGS) private readonly settings: CentralBankSettings,
    @Inject(PolicyService) private readonly policy: PolicyService,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.kick(), this.settings.REPORTS_POLL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private kick(): void {
    if (this.running) return;
    this.running = this.drain()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'making regulator reports failed; retrying at the next poll'))
      .finally(() => {
        this.running = null;
      });
  }

  private async drain(): Promise<void> {
    const s = this.settings;
    const options: ReportTailerOptions = {
      topic: s.REGULATOR_REPORTS_TOPIC,
      structuring: { paymentsMin: s.STRUCTURING_PAYMENTS_MIN, shareBps: s.STRUCTURING_SHARE_BPS, windowHours: s.STRUCTURING_WINDOW_HOURS },
      threshold: () => this.policy.current().largeValueThreshold,
    };
    for (;;) {
      const { entries, reports } = await tailReportsOnce(this.pool, options);
      if (reports.length > 0) {
        this.logger.info({ reports: reports.map((r) => r.reportId) }, 'regulator reports written');
        this.relay.kick();
      }
      if (entries < reportEntriesPerStepMax) return;
    }
  }
}
