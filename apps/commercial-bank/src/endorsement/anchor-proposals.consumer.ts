/**
 * Consumes this operator's anchor topic (`operator.<id>.anchor.v1`): block proposals, which the
 * endorsement service checks and answers, and final blocks, which it adds to the replica.
 * Proposals come as binary version 2 (what the central bank sends, docs/decisions/0018) or JSON
 * version 1 (still read); final blocks as JSON version 1. The framing tells binary from JSON.
 * Messages are handled one at a time in order, since each block links to the one before. A
 * message that does not parse is logged and skipped; a database or broker failure throws, so the
 * batch is delivered again (both handlers are idempotent).
 */
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import {
  anchorBlockFinalV1,
  anchorBlockProposalV1,
  anchorBlockProposalV2,
  BinaryMessageRegistry,
  ContractError,
  isBinaryMessage,
  MessageRegistry,
  operatorAnchorTopic,
  type AnchorBlockFinalV1,
  type AnchorBlockProposalV1,
  type AnchorBlockProposalV2,
  type BinaryMessageDefinition,
  type Envelope,
  type MessageDefinition,
} from '@cbdc/contracts';
import { KAFKA, LOGGER, startBatchConsumer, type BatchConsumer, type ConsumedMessage, type Logger } from '@cbdc/platform';
import { COMMERCIAL_BANK_SETTINGS } from '../commercial-bank.tokens';
import type { CommercialBankSettings } from '../commercial-bank.settings';
import { EndorsementService } from './endorsement.service';
import { readProposalV1, readProposalV2 } from './received-proposal';

@Injectable()
export class AnchorProposalsConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private consumer: BatchConsumer | undefined;
  private readonly registry = new MessageRegistry([anchorBlockProposalV1, anchorBlockFinalV1] as MessageDefinition<unknown>[]);
  private readonly binaryRegistry = new BinaryMessageRegistry([anchorBlockProposalV2] as BinaryMessageDefinition<unknown>[]);

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(EndorsementService) private readonly endorsement: EndorsementService,
    @Inject(COMMERCIAL_BANK_SETTINGS) private readonly settings: Pick<CommercialBankSettings, 'BANK_ID' | 'KAFKA_SESSION_TIMEOUT_MS'>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = await startBatchConsumer({
      kafka: this.kafka,
      groupId: `${this.settings.BANK_ID}.anchor`,
      topics: [operatorAnchorTopic(this.settings.BANK_ID)],
      handler: async (messages, context) => {
        for (const message of messages) {
          await this.handle(message);
          await context.heartbeat();
        }
      },
      sessionTimeoutMs: this.settings.KAFKA_SESSION_TIMEOUT_MS,
      heartbeatIntervalMs: Math.floor(this.settings.KAFKA_SESSION_TIMEOUT_MS / 3),
      logger: this.logger,
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer?.stop();
  }

  private async handle(message: ConsumedMessage): Promise<void> {
    let envelope: Envelope;
    try {
      if (!message.value) throw new ContractError('MALFORMED', '', 'empty message');
      envelope = isBinaryMessage(message.value) ? this.binaryRegistry.decode(message.value) : this.registry.decode(message.value);
    } catch (error) {
      if (!(error instanceof ContractError)) throw error;
      this.logger.warn({ topic: message.topic, offset: message.offset, reason: error.message }, 'skipping an anchor message that does not parse');
      return;
    }
    if (envelope.type === anchorBlockProposalV2.type && envelope.version === anchorBlockProposalV2.version) {
      await this.endorsement.handleProposal(readProposalV2(envelope.body as AnchorBlockProposalV2));
    } else if (envelope.type === anchorBlockProposalV1.type) {
      await this.endorsement.handleProposal(readProposalV1(envelope.body as AnchorBlockProposalV1));
    } else {
      await this.endorsement.handleFinal(envelope.body as AnchorBlockFinalV1);
    }
  }
}
