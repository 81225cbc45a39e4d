import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import {
  ContractError,
  diagnosticPingV1,
  diagnosticPongV1,
  encodeMessage,
  issueRecallRequestV1,
  MessageRegistry,
  operatorEventsTopic,
  type DiagnosticPingV1,
  type Envelope,
  type IssueRecallRequestV1,
  type MessageDefinition,
} from '@cbdc/contracts';
import { KAFKA, KAFKA_PRODUCER, LOGGER, startBatchConsumer, type BatchConsumer, type ConsumedMessage, type Logger } from '@cbdc/platform';
import type { Kafka, Producer, TopicMessages } from 'kafkajs';
import { CENTRAL_BANK_SETTINGS } from '../central-bank.tokens';
import { consumerGroups, type CentralBankSettings } from '../central-bank.settings';
import { IssueRecallService } from '../issue-recall/issue-recall.service';

/**
 * Consumes the operators' control topic and dispatches by message type: diagnostics pings get a
 * pong on the sender's events topic (no state, so no outbox); issue and recall requests go to the
 * issue/recall service, which verifies the operator's signature, stores them idempotently and
 * answers through the outbox. A message that cannot be parsed, or a ping from an unknown operator,
 * is logged and skipped rather than retried forever; a failure of the database or the broker
 * throws, so the batch is delivered again (every handler is idempotent).
 */
@Injectable()
export class ControlConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private consumer: BatchConsumer | undefined;
  private readonly registry = new MessageRegistry([diagnosticPingV1, issueRecallRequestV1] as MessageDefinition<unknown>[]);
  private readonly pingOperators: ReadonlySet<string>;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(IssueRecallService) private readonly issueRecall: IssueRecallService,
    @Inject(CENTRAL_BANK_SETTINGS) private readonly settings: CentralBankSettings,
  ) {
    this.pingOperators = new Set(settings.OPERATOR_IDS);
  }

  async onApplicationBootstrap(): Promise<void> {
    // Awaited: the app listens (and reports healthy) only once it has joined its group.
    this.consumer = await startBatchConsumer({
      kafka: this.kafka,
      groupId: consumerGroups(this.settings).control,
      topics: [this.settings.CONTROL_TOPIC],
      handler: (messages) => this.handle(messages),
      logger: this.logger,
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer?.stop();
  }

  private async handle(messages: ConsumedMessage[]): Promise<void> {
    const replies = new Map<string, TopicMessages>();
    const requests: IssueRecallRequestV1[] = [];
    for (const message of messages) {
      const envelope = this.decode(message);
      if (!envelope) continue;
      if (envelope.type === issueRecallRequestV1.type) {
        requests.push(envelope.body as IssueRecallRequestV1);
        continue;
      }
      const ping = this.acceptPing(message, envelope.body as DiagnosticPingV1);
      if (!ping) continue;
      const topic = operatorEventsTopic(ping.operatorId);
      const pong = encodeMessage(diagnosticPongV1, { pingId: ping.pingId, operatorId: ping.operatorId, answeredAt: new Date().toISOString() });
      const batch = replies.get(topic) ?? { topic, messages: [] };
      batch.messages.push({ key: ping.operatorId, value: pong });
      replies.set(topic, batch);
    }
    await this.issueRecall.handleRequests(requests);
    if (replies.size > 0) await this.producer.sendBatch({ acks: -1, topicMessages: [...replies.values()] });
  }

  private decode(message: ConsumedMessage): Envelope | undefined {
    const where = { topic: message.topic, partition: message.partition, offset: message.offset };
    if (!message.value) {
      this.logger.warn(where, 'skipping an empty control message');
      return undefined;
    }
    try {
      return this.registry.decode(message.value);
    } catch (error) {
      if (!(error instanceof ContractError)) throw error;
      this.logger.warn({ ...where, code: error.code, reason: error.message }, 'skipping a control message that does not parse');
      return undefined;
    }
  }

  private acceptPing(message: ConsumedMessage, ping: DiagnosticPingV1): DiagnosticPingV1 | undefined {
    // The key is the sender; a ping naming another operator would make us write to its topic.
    if (message.key !== ping.operatorId || !this.pingOperators.has(ping.operatorId)) {
      this.logger.warn(
        { topic: message.topic, partition: message.partition, offset: message.offset, key: message.key, operatorId: ping.operatorId },
        'skipping a ping from an unknown or mismatched operator',
      );
      return undefined;
    }
    return ping;
  }
}
