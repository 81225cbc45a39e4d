/**
 * Collects the operators' answers to block proposals on `central-bank.anchor.v1`.
 *
 * An endorsement counts only if it names a sealed block by height AND hash, and verifies under the
 * operator's registered key (the operators table); it is stored once per operator and block. When
 * a block reaches the quorum it is marked final in the same transaction, and the sealer announces
 * it to every operator. A refusal is stored with its code and reason (GET /v1/anchor/refusals) and
 * logged as a warning. A message that does not parse, or an endorsement that does not verify, is
 * logged and skipped: retrying it would not make it valid. A database failure throws, so the batch
 * is delivered again (storing is idempotent).
 */
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Pool } from 'pg';
import type { Kafka } from 'kafkajs';
import {
  anchorEndorsementsTopic,
  anchorEndorsementV1,
  anchorRefusalV1,
  ContractError,
  MessageRegistry,
  type AnchorEndorsementV1,
  type AnchorRefusalV1,
  type MessageDefinition,
} from '@cbdc/contracts';
import { verifyEndorsement } from '@cbdc/anchor';
import { bytesEqual, fromHex } from '@cbdc/crypto';
import { KAFKA, LOGGER, PG_POOL, startBatchConsumer, type BatchConsumer, type ConsumedMessage, type Logger } from '@cbdc/platform';
import { CENTRAL_BANK_SETTINGS } from '../central-bank.tokens';
import type { CentralBankSettings } from '../central-bank.settings';
import type { AnchorSealerSettings } from './anchor-sealer.service';
import { blockAt, operatorKeys } from './anchor-store';

export type AnchorAnswer = { kind: 'endorsement'; body: AnchorEndorsementV1 } | { kind: 'refusal'; body: AnchorRefusalV1 };

/** What became of one answer, for the logs and the tests. */
export type AnchorAnswerOutcome = 'stored' | 'final' | 'duplicate' | 'unknown-block' | 'bad-signature' | 'refusal';

export type AnchorEndorsementsSettings = AnchorSealerSettings &
  Pick<CentralBankSettings, 'CONSUMER_GROUP_PREFIX'> & {
    /**
     * The topic read: the contract's `central-bank.anchor.v1` when absent, as in the app. A
     * benchmark sets a topic of its own, so its stand-in operators' answers never reach a central
     * bank running on the same stack (bench:anchor, docs/decisions/0021-sealer-reads-commands-alone.md).
     */
    readonly endorsementsTopic?: string;
  };

@Injectable()
export class AnchorEndorsementsConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private consumer: BatchConsumer | undefined;
  private readonly registry = new MessageRegistry([anchorEndorsementV1, anchorRefusalV1] as MessageDefinition<unknown>[]);

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CENTRAL_BANK_SETTINGS) private readonly settings: AnchorEndorsementsSettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.settings.ANCHOR_ENABLED) return;
    this.consumer = await startBatchConsumer({
      kafka: this.kafka,
      groupId: `${this.settings.CONSUMER_GROUP_PREFIX}.anchor-endorsements`,
      topics: [this.settings.endorsementsTopic ?? anchorEndorsementsTopic],
      handler: (messages) => this.handle(messages),
      logger: this.logger,
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer?.stop();
  }

  private async handle(messages: ConsumedMessage[]): Promise<void> {
    for (const message of messages) {
      const answer = this.decode(message);
      if (answer !== undefined) await this.accept(answer);
    }
  }

  private decode(message: ConsumedMessage): AnchorAnswer | undefined {
    try {
      if (!message.value) throw new ContractError('MALFORMED', '', 'empty message');
      const envelope = this.registry.decode(message.value);
      return envelope.type === anchorEndorsementV1.type
        ? { kind: 'endorsement', body: envelope.body as AnchorEndorsementV1 }
        : { kind: 'refusal', body: envelope.body as AnchorRefusalV1 };
    } catch (error) {
      if (!(error instanceof ContractError)) throw error;
      this.logger.warn({ topic: message.topic, offset: message.offset, reason: error.message }, 'skipping an anchor answer that does not parse');
      return undefined;
    }
  }

  /** Stores one answer; public so tests can feed answers without a broker round trip. */
  async accept(answer: AnchorAnswer): Promise<AnchorAnswerOutcome> {
    if (answer.kind === 'refusal') {
      const refusal = answer.body;
      // Recorded only for a block we sealed, from a registered operator: the topic is shared, and
      // a refusal naming anything else is noise (or another system's traffic).
      const [block, keys] = await Promise.all([blockAt(this.pool, BigInt(refusal.height)), operatorKeys(this.pool)]);
      if (block === undefined || !bytesEqual(block.blockHash, fromHex(refusal.blockHash)) || !keys.has(refusal.operatorId)) {
        this.logger.warn({ height: refusal.height, operatorId: refusal.operatorId }, 'skipping a refusal of a block we did not seal, or from an unknown operator');
        return 'unknown-block';
      }
      await this.pool.query(
        `insert into anchor_refusals (height, block_hash, operator_id, code, detail) values ($1, $2, $3, $4, $5)
         on conflict (height, operator_id, code) do nothing`,
        [refusal.height, Buffer.from(fromHex(refusal.blockHash)), refusal.operatorId, refusal.code, refusal.detail],
      );
      this.logger.warn({ height: refusal.height, operatorId: refusal.operatorId, code: refusal.code, detail: refusal.detail }, 'an operator refused an anchor block');
      return 'refusal';
    }
    const endorsement = answer.body;
    // Two round trips per endorsement (docs/decisions/0016-cheaper-sealing.md): the block and the
    // operator's key in one read, the signature checked here, then ONE statement that stores the
    // endorsement and marks the block final when this one completes its quorum. One collector
    // consumes the topic's single partition in order, so no two statements race on a block.
    // Both statements are named: parsed once per connection, and planned generically after a few runs.
    const found = await this.pool.query<{ block_hash: Buffer; public_key: Buffer | null }>({
      name: 'anchor-endorsement-block-and-key',
      text: 'select b.block_hash, o.public_key from anchor_blocks b left join operators o on o.id = $2 where b.height = $1',
      values: [endorsement.height, endorsement.operatorId],
    });
    const row = found.rows[0];
    const claimedHash = fromHex(endorsement.blockHash);
    if (row === undefined || !bytesEqual(new Uint8Array(row.block_hash), claimedHash)) {
      this.logger.warn({ height: endorsement.height, operatorId: endorsement.operatorId }, 'an endorsement of a block we did not seal');
      return 'unknown-block';
    }
    const signature = fromHex(endorsement.signature);
    if (row.public_key === null || !verifyEndorsement(claimedHash, { operatorId: endorsement.operatorId, signature }, new Uint8Array(row.public_key))) {
      this.logger.warn({ height: endorsement.height, operatorId: endorsement.operatorId }, 'an endorsement that does not verify under the operator key');
      return 'bad-signature';
    }
    // A statement's parts share one snapshot, so the count adds the row this statement inserts.
    // The quorum is the block's own, recorded when it was sealed.
    const stored = await this.pool.query<{ inserted: number; finalized: number }>({
      name: 'anchor-endorsement-store',
      text: `with inserted as (
         insert into anchor_endorsements (height, operator_id, signature) values ($1, $2, $3) on conflict do nothing returning height
       ), finalized as (
         update anchor_blocks set final_at = now()
         where height = $1 and final_at is null and exists (select 1 from inserted)
           and (select count(*) from anchor_endorsements where height = $1) + 1 >= quorum
         returning height
       )
       select (select count(*) from inserted)::int as inserted, (select count(*) from finalized)::int as finalized`,
      values: [endorsement.height, endorsement.operatorId, Buffer.from(signature)],
    });
    const outcome = stored.rows[0]!;
    if (outcome.inserted === 0) return 'duplicate';
    return outcome.finalized > 0 ? 'final' : 'stored';
  }
}
