import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ContractError, MessageRegistry, operatorEventsTopic } from '@cbdc/contracts';
import { KAFKA, LOGGER, startBatchConsumer, type BatchConsumer, type ConsumedMessage, type Logger } from '@cbdc/platform';
import type { Kafka } from 'kafkajs';
import { diagnosticPongV1, type DiagnosticPongV1 } from '@cbdc/contracts';
import { COMMERCIAL_BANK_SETTINGS } from './commercial-bank.tokens';
import type { CommercialBankSettings } from './commercial-bank.settings';
import { KafkaPingService } from './diagnostics/kafka-ping.service';

/**
 * Consumes this operator's own events topic (`operator.<id>.events.v1`; never another
 * operator's) and dispatches by message type. Today: pongs to the ping service. A message that
 * does not parse is logged and skipped rather than retried forever.
 */
@Injectable()
export class OperatorEventsConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private consumer: BatchConsumer | undefined;
  private readonly registry = new MessageRegistry([diagnosticPongV1]);
  private readonly operatorId: string;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(KafkaPingService) private readonly pings: KafkaPingService,
    @Inject(COMMERCIAL_BANK_SETTINGS) settings: CommercialBankSettings,
  ) {
    this.operatorId = settings.BANK_ID;
  }

  async onApplicationBootstrap(): Promise<void> {
    // Awaited: the app listens (and reports healthy) only once it has joined its group.
    this.consumer = await startBatchConsumer({
      kafka: this.kafka,
      groupId: `${this.operatorId}.events`,
      topics: [operatorEventsTopic(this.operatorId)],
      handler: async (messages) => this.handle(messages),
      logger: this.logger,
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer?.stop();
  }

  private async handle(messages: ConsumedMessage[]): Promise<void> {
    for (const message of messages) {
      if (!message.value) continue;
      try {
        const envelope = this.registry.decode(message.value);
        if (envelope.type === diagnosticPongV1.type) this.pings.onPong(envelope.body as DiagnosticPongV1);
      } catch (error) {
        if (!(error instanceof ContractError)) throw error;
        this.logger.warn(
          { topic: message.topic, partition: message.partition, offset: message.offset, code: error.code, reason: error.message },
          'skipping an event that does not parse',
        );
      }
    }
  }
}
