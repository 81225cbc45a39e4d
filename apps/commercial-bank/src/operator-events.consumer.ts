import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { commandResultsV1, ContractError, MessageRegistry, operatorEventsTopic, walletCreditsV1, type CommandResultsV1, type WalletCreditsV1 } from '@cbdc/contracts';
import { KAFKA, LOGGER, startBatchConsumer, type BatchConsumer, type ConsumedMessage, type Logger } from '@cbdc/platform';
import type { Kafka } from 'kafkajs';
import { diagnosticPongV1, type DiagnosticPongV1 } from '@cbdc/contracts';
import { COMMERCIAL_BANK_SETTINGS } from './commercial-bank.tokens';
import type { CommercialBankSettings } from './commercial-bank.settings';
import { KafkaPingService } from './diagnostics/kafka-ping.service';
import { LedgerEventsService, type LedgerEvent } from './wallets/ledger-events.service';

/** Ledger messages applied in one transaction at most (each carries one ledger batch's answers). */
export const ledgerEventsPerTransactionMax = 50;
/** Kafka offsets of the events topic are committed at most this often (the inbox dedupes). */
export const operatorEventsOffsetCommitIntervalMs = 1_000;
import { issueRecallStatusV1, type IssueRecallStatusV1 } from '@cbdc/contracts';
import { TreasuryService } from './treasury/treasury.service';
import { WalletClassesService } from './wallets/wallet-classes.service';

/**
 * Consumes this operator's own events topic (`operator.<id>.events.v1`; never another
 * operator's) and dispatches by message type: pongs to the ping service, the ledger's results
 * and credits to LedgerEventsService (idempotent through the inbox). A message that does not
 * parse is logged and skipped rather than retried forever; a failure to apply one (the database
 * is away) fails the batch, which Kafka delivers again.
 */
@Injectable()
export class OperatorEventsConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private consumer: BatchConsumer | undefined;
  private readonly registry = new MessageRegistry([diagnosticPongV1, commandResultsV1, walletCreditsV1, issueRecallStatusV1]);
  private readonly operatorId: string;
  private readonly sessionTimeoutMs: number;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(KafkaPingService) private readonly pings: KafkaPingService,
    @Inject(LedgerEventsService) private readonly ledgerEvents: LedgerEventsService,
    @Inject(TreasuryService) private readonly treasury: TreasuryService,
    @Inject(WalletClassesService) private readonly walletClasses: WalletClassesService,
    @Inject(COMMERCIAL_BANK_SETTINGS) settings: CommercialBankSettings,
  ) {
    this.operatorId = settings.BANK_ID;
    this.sessionTimeoutMs = settings.KAFKA_SESSION_TIMEOUT_MS;
  }

  async onApplicationBootstrap(): Promise<void> {
    // Awaited: the app listens (and reports healthy) only once it has joined its group.
    this.consumer = await startBatchConsumer({
      kafka: this.kafka,
      groupId: `${this.operatorId}.events`,
      topics: [operatorEventsTopic(this.operatorId)],
      handler: async (messages) => this.handle(messages),
      sessionTimeoutMs: this.sessionTimeoutMs,
      heartbeatIntervalMs: Math.floor(this.sessionTimeoutMs / 3),
      // Every ledger event is applied once through the inbox, so a restart may deliver again.
      offsetCommitIntervalMs: operatorEventsOffsetCommitIntervalMs,
      logger: this.logger,
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer?.stop();
  }

  private async handle(messages: ConsumedMessage[]): Promise<void> {
    // The ledger's results and credits of one fetch are applied together, in one transaction;
    // anything else waits until the ledger events before it are applied, so order is kept.
    let ledgerEvents: LedgerEvent[] = [];
    const flush = async () => {
      if (ledgerEvents.length === 0) return;
      const applied = ledgerEvents;
      ledgerEvents = [];
      await this.ledgerEvents.applyEvents(applied);
      // Class changes are applied after the ledger events of the same results (idempotent on their own: pending -> decided once).
      for (const event of applied) if (event.type === 'results') await this.walletClasses.applyResults(event.body);
    };
    for (const message of messages) {
      if (!message.value) continue;
      let envelope;
      try {
        envelope = this.registry.decode(message.value);
      } catch (error) {
        if (!(error instanceof ContractError)) throw error;
        this.logger.warn(
          { topic: message.topic, partition: message.partition, offset: message.offset, code: error.code, reason: error.message },
          'skipping an event that does not parse',
        );
        continue;
      }
      if (envelope.type === commandResultsV1.type) {
        ledgerEvents.push({ type: 'results', body: envelope.body as CommandResultsV1 });
        if (ledgerEvents.length >= ledgerEventsPerTransactionMax) await flush();
        continue;
      }
      if (envelope.type === walletCreditsV1.type) {
        ledgerEvents.push({ type: 'credits', body: envelope.body as WalletCreditsV1 });
        if (ledgerEvents.length >= ledgerEventsPerTransactionMax) await flush();
        continue;
      }
      await flush();
      if (envelope.type === diagnosticPongV1.type) this.pings.onPong(envelope.body as DiagnosticPongV1);
      else if (envelope.type === issueRecallStatusV1.type) await this.treasury.applyStatus(envelope.body as IssueRecallStatusV1);
    }
    await flush();
  }
}
