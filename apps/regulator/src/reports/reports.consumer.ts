/**
 * Receives the central bank's reports (`regulator.reports.v1`) and the ledger's answers to the
 * regulator's audit records (`operator.regulator.events.v1`). Kafka delivers at least once; a
 * report is stored once by its id (`on conflict do nothing`), and an answer only sets the
 * anchored sequence of its audit record, so a redelivery changes nothing.
 */
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { commandResultsV1, MessageRegistry, operatorEventsTopic, regulatorReportV1, walletCreditsV1, type CommandResultsV1, type MessageDefinition, type RegulatorReportV1 } from '@cbdc/contracts';
import { fromHex } from '@cbdc/crypto';
import { ensureTopics, KAFKA, LOGGER, PG_POOL, startBatchConsumer, withTransaction, type BatchConsumer, type ConsumedMessage, type Logger } from '@cbdc/platform';
import { REGULATOR_SETTINGS } from '../regulator.tokens';
import type { RegulatorSettings } from '../regulator.settings';

/** The regulator reads the answers to its audit records on this pseudo-operator's topic. */
export const regulatorEventsTopic = operatorEventsTopic('regulator');

const registry = new MessageRegistry([regulatorReportV1, commandResultsV1, walletCreditsV1] as unknown as MessageDefinition<unknown>[]);

/** Stores one report and the escrows it carries; a repeat of its id changes nothing. */
export async function storeReport(pool: Pool, report: RegulatorReportV1): Promise<boolean> {
  return withTransaction(pool, async (client) => {
    const total = report.payments.reduce((sum, payment) => sum + payment.amount, 0n);
    const inserted = await client.query(
      `insert into reports (report_id, report_kind, payer_wallet_id, amount_total, body) values ($1, $2, $3, $4, $5)
       on conflict (report_id) do nothing`,
      [report.reportId, report.reportKind, report.payments[report.payments.length - 1]?.payerWalletId ?? '', total.toString(), JSON.stringify({ ...report, threshold: report.threshold.toString(), payments: report.payments.map((p) => ({ ...p, amount: p.amount.toString(), sequence: p.sequence.toString() })) })],
    );
    if (inserted.rowCount === 0) return false;
    for (const escrow of report.escrows) {
      if (!escrow.escrow) continue;
      await client.query(
        `insert into report_escrows (wallet_id, escrow, report_id) values ($1, $2, $3)
         on conflict (wallet_id) do update set escrow = excluded.escrow, report_id = excluded.report_id`,
        [escrow.walletId, Buffer.from(fromHex(escrow.escrow)), report.reportId],
      );
    }
    return true;
  });
}

@Injectable()
export class ReportsConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private consumer: BatchConsumer | null = null;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(REGULATOR_SETTINGS) private readonly settings: RegulatorSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const topics = [this.settings.REGULATOR_REPORTS_TOPIC, regulatorEventsTopic];
    await ensureTopics(this.kafka, topics.map((name) => ({ name, partitions: 1 })));
    this.consumer = await startBatchConsumer({
      kafka: this.kafka,
      groupId: `${this.settings.CONSUMER_GROUP_PREFIX}.reports`,
      topics,
      logger: this.logger,
      handler: async (messages) => this.handle(messages),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer?.stop();
  }

  private async handle(messages: ConsumedMessage[]): Promise<void> {
    for (const message of messages) {
      if (message.value === null) continue;
      let envelope;
      try {
        envelope = registry.decode(message.value);
      } catch (error) {
        // A message that does not parse would block the partition for ever: log it and move on.
        this.logger.error({ err: error, topic: message.topic, offset: message.offset }, 'a message to the regulator does not parse; skipped');
        continue;
      }
      if (envelope.type === regulatorReportV1.type) {
        const report = envelope.body as RegulatorReportV1;
        if (await storeReport(this.pool, report)) this.logger.info({ reportId: report.reportId, kind: report.reportKind }, 'report stored');
      } else if (envelope.type === commandResultsV1.type) {
        for (const result of (envelope.body as CommandResultsV1).results) {
          if (result.status !== 'accepted' || result.sequence === undefined) {
            const ours = await this.pool.query('select 1 from audit_records where anchor_command_id = $1', [result.commandId]);
            // A refused anchor is an incident: the record stays unanchored until someone looks.
            if (ours.rows.length > 0) this.logger.error({ commandId: result.commandId, code: result.code }, 'the ledger refused an audit record of ours');
            continue;
          }
          await this.pool.query('update audit_records set anchored_sequence = $2 where anchor_command_id = $1', [result.commandId, result.sequence.toString()]);
        }
      }
    }
  }
}
