import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { centralBankControlTopic, ContractError, encodeMessage, MessageRegistry, operatorEventsTopic } from '@cbdc/contracts';
import { diagnosticPingV1, diagnosticPongV1, type DiagnosticPingV1 } from '@cbdc/contracts';
import { KAFKA, KAFKA_PRODUCER, LOGGER, startBatchConsumer, type BatchConsumer, type ConsumedMessage, type Logger } from '@cbdc/platform';
import type { Kafka, Producer, TopicMessages } from 'kafkajs';
import { CENTRAL_BANK_SETTINGS } from '../central-bank.tokens';
import type { CentralBankSettings } from '../central-bank.settings';

export const controlConsumerGroupId = 'central-bank.control';

/**
 * Consumes the operators' control topic and dispatches by message type. Today it answers
 * diagnostics pings with a pong on the sender's events topic. A message that cannot be parsed,
 * or comes from an unknown operator, is logged and skipped rather than retried forever.
 */
@Injectable()
export class ControlConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private consumer: BatchConsumer | undefined;
  private readonly registry = new MessageRegistry([diagnosticPingV1]);
  private readonly operators: ReadonlySet<string>;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CENTRAL_BANK_SETTINGS) settings: CentralBankSettings,
  ) {
    this.operators = new Set(settings.OPERATOR_IDS);
  }

  async onApplicationBootstrap(): Promise<void> {
    // Awaited: the app listens (and reports healthy) only once it has joined its group.
    this.consumer = await startBatchConsumer({
      kafka: this.kafka,
      groupId: controlConsumerGroupId,
      topics: [centralBankControlTopic],
      handler: (messages) => this.handle(messages),
      logger: this.logger,
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer?.stop();
  }

  private async handle(messages: ConsumedMessage[]): Promise<void> {
    const replies = new Map<string, TopicMessages>();
    for (const message of messages) {
      const ping = this.parsePing(message);
      if (!ping) continue;
      const topic = operatorEventsTopic(ping.operatorId);
      const pong = encodeMessage(diagnosticPongV1, { pingId: ping.pingId, operatorId: ping.operatorId, answeredAt: new Date().toISOString() });
      const batch = replies.get(topic) ?? { topic, messages: [] };
      batch.messages.push({ key: ping.operatorId, value: pong });
      replies.set(topic, batch);
    }
    if (replies.size > 0) await this.producer.sendBatch({ acks: -1, topicMessages: [...replies.values()] });
  }

  private parsePing(message: ConsumedMessage): DiagnosticPingV1 | undefined {
    const where = { topic: message.topic, partition: message.partition, offset: message.offset };
    if (!message.value) {
      this.logger.warn(where, 'skipping an empty control message');
      return undefined;
    }
    let envelope;
    try {
      envelope = this.registry.decode(message.value);
    } catch (error) {
      if (!(error instanceof ContractError)) throw error;
      this.logger.warn({ ...where, code: error.code, reason: error.message }, 'skipping a control message that does not parse');
      return undefined;
    }
    const ping = envelope.body as DiagnosticPingV1;
    // The key is the sender; a ping naming another operator would make us write to its topic.
    if (message.key !== ping.operatorId || !this.operators.has(ping.operatorId)) {
      this.logger.warn({ ...where, key: message.key, operatorId: ping.operatorId }, 'skipping a ping from an unknown or mismatched operator');
      return undefined;
    }
    return ping;
  }
}
