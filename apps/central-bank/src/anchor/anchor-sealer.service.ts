/**
 * The anchor sealer (ARCHITECTURE.md §8, docs/decisions/0012-anchor-sealing.md): tails the
 * committed ledger entries by sequence, seals them into blocks signed with the central bank's
 * key, and proposes each block to every registered operator over Kafka.
 *
 * Invariants:
 * - it never seals past the sealing watermark (anchor-watermark.ts), so no entry can commit into
 *   a range already sealed;
 * - block ranges tile the sequence space: block h+1 starts right after block h's last sequence,
 *   the genesis block at 1, and each block ends on a committed entry;
 * - a block is written (one row, one transaction) before it is proposed; proposing and
 *   announcing finality are retried from the database until they succeed, so a crash between
 *   commit and publish loses nothing;
 * - one sealer at a time: the loop runs only while this process holds a PostgreSQL advisory lock.
 * It stays off the ledger's hot path: it only reads committed rows, on its own connection.
 *
 * It is also cheap per entry and when idle (docs/decisions/0016-cheaper-sealing.md): one range
 * scan of `ledger_commands` reads a block's entries (no separate count; batch times and wallet
 * operators are remembered, docs/decisions/0021-sealer-reads-commands-alone.md), final blocks are
 * announced in one batch per round, each entry is encoded and hashed once, the
 * proposals are binary (`anchor.block-proposal` v2, docs/decisions/0018-binary-anchor-proposals.md)
 * and share their parts, and the loop does not poll at ANCHOR_POLL_MS all the time: it wakes
 * when a block can be due and backs off when nothing waits (anchor-sealer-schedule.ts).
 *
 * A refusal may be a mistake (decision 0018): an operator whose books were behind, or whose
 * replica lacks the block before, refuses with a transient code. Such a block is proposed to that
 * operator again, in height order, until it endorses it or refuses it for good; the wait between
 * rounds doubles, up to a limit, while the same block stays refused.
 */
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import type { Kafka, Message, Producer } from 'kafkajs';
import {
  anchorBlockFinalV1,
  anchorRefusalCodesTransient,
  encodeMessage,
  operatorAnchorTopic,
  type AnchorBlockFinalV1,
} from '@cbdc/contracts';
import { blockHash, buildBlockHeader, entryEncoding, genesisPreviousHash, headerToWire, quorumDefault, sha256, signBlockHeader } from '@cbdc/anchor';
import { toHex } from '@cbdc/crypto';
import { ensureTopics, KAFKA, KAFKA_PRODUCER, LOGGER, PG_POOL, type Logger } from '@cbdc/platform';
import { CENTRAL_BANK_KEY, CENTRAL_BANK_SETTINGS } from '../central-bank.tokens';
import type { CentralBankSettings } from '../central-bank.settings';
import type { CentralBankKey } from '../keys/central-bank-key';
import { SealingWatermark } from './anchor-watermark';
import { ProposalEncoder } from './anchor-proposal-encoding';
import { nextArrivalRate, nextReproposal, nextTickDelayMs, reproposeDelayMs, type ReproposalState } from './anchor-sealer-schedule';
import {
  blockAt,
  finalBlocksWithEndorsements,
  heightsToSend,
  insertBlock,
  lastBlock,
  operatorKeys,
  refusedToPropose,
  SealableEntryReader,
  type SealableEntry,
  type StoredBlock,
} from './anchor-store';

/** The advisory lock key that makes one process the sealer. */
export const anchorSealerLockKey = 7_100_012;
/** Blocks sealed in one tick at most, so proposing keeps pace and the loop yields. */
export const blocksPerTickMax = 64;
/** Blocks whose proposal or finality announcement is retried per tick at most. */
export const retriesPerTickMax = 64;
/** How long a standby process waits before trying to become the sealer again. */
export const standbyRetryMs = 1_000;
/**
 * How often unproposed blocks and final blocks not yet announced are looked for. A new block is
 * proposed at once; this only retries a failed send, and announces finality to the replicas.
 */
export const retryIntervalMs = 500;
/** Blocks proposed again to one operator per round at most (a round's messages to it go in one batch). */
export const reproposalsPerOperatorMax = 64;

/** The encodings and leaf hashes of a block's entries, computed once and shared by the root and every proposal. */
interface EncodedEntries {
  encodings: Uint8Array[];
  leafHashes: Uint8Array[];
}

function encodeEntries(entries: readonly SealableEntry[]): EncodedEntries {
  const encodings = entries.map((e) => entryEncoding(e.entry));
  return { encodings, leafHashes: encodings.map(sha256) };
}

export type AnchorSealerSettings = Pick<
  CentralBankSettings,
  'ANCHOR_ENABLED' | 'ANCHOR_BLOCK_ENTRIES_MAX' | 'ANCHOR_BLOCK_INTERVAL_MS' | 'ANCHOR_POLL_MS' | 'ANCHOR_QUORUM'
>;

@Injectable()
export class AnchorSealer implements OnApplicationBootstrap, OnModuleDestroy {
  private client: PoolClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;
  private readonly watermark = new SealingWatermark();
  /** Reads the entries to seal; remembers batch times and wallet operators while this process runs. */
  private readonly entries = new SealableEntryReader();
  private lastSealAtMs = 0;
  private lastRetryAtMs = 0;
  /** The last block sealed, kept in memory while this process is the sealer (the only writer). */
  private last: StoredBlock | undefined;
  private lastLoaded = false;
  private readonly ensuredTopics = new Set<string>();
  /** What the loop waits before its next tick, decided at the end of each tick. */
  private delayMs = 0;
  /** Entries per millisecond committed lately, from the watermark's progress; 0 until measured. */
  private arrivalRate = 0;
  private lastWatermark = 0n;
  private lastWatermarkAtMs = 0;
  private lastReproposeCheckAtMs = 0;
  /** Per operator that refused for a transient reason: the lowest block it refused, how long to wait, and until when. */
  private readonly reproposals = new Map<string, ReproposalState>();

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CENTRAL_BANK_KEY) private readonly key: CentralBankKey,
    @Inject(CENTRAL_BANK_SETTINGS) private readonly settings: AnchorSealerSettings,
  ) {}

  /** The quorum in force: the setting, or a majority of the operators registered now. */
  static quorumOf(settings: AnchorSealerSettings, operatorCount: number): number {
    return settings.ANCHOR_QUORUM ?? quorumDefault(operatorCount);
  }

  onApplicationBootstrap(): void {
    if (!this.settings.ANCHOR_ENABLED) {
      this.logger.warn('the anchor sealer is disabled (ANCHOR_ENABLED=false): no block will be sealed');
      return;
    }
    this.schedule(0);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.running;
    if (this.client !== undefined) {
      // Closing the session releases the advisory lock.
      this.client.release(true);
      this.client = undefined;
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.loopOnce().finally(() => {
        this.running = undefined;
      });
    }, delayMs);
  }

  private async loopOnce(): Promise<void> {
    let delay = this.settings.ANCHOR_POLL_MS;
    try {
      if (this.client === undefined) {
        const acquired = await this.acquire();
        if (!acquired) delay = standbyRetryMs;
      }
      if (this.client !== undefined) {
        await this.tick(this.client, false);
        delay = this.nextDelayMs();
      }
    } catch (error) {
      this.logger.error({ err: error }, 'anchor sealer tick failed; retrying');
      this.lastLoaded = false;
      if (this.client !== undefined) {
        this.client.release(true);
        this.client = undefined;
      }
      delay = standbyRetryMs;
    }
    this.schedule(delay);
  }

  /** How long the loop waits before its next tick, as the last tick decided. */
  nextDelayMs(): number {
    return this.delayMs;
  }

  private async acquire(): Promise<boolean> {
    const client = await this.pool.connect();
    const locked = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [anchorSealerLockKey]);
    if (!locked.rows[0]!.locked) {
      client.release();
      return false;
    }
    await AnchorSealer.prepareSession(client);
    this.client = client;
    this.logger.info('this process is the anchor sealer');
    return true;
  }

  /**
   * Settings of the sealer's own session (it holds its connection while it is the sealer). Its
   * statements are the same few, named, with parameters that only move the range; a generic plan
   * serves them all, where a custom plan per execution re-planned the entries' four-table join
   * for every block (docs/decisions/0016-cheaper-sealing.md).
   */
  static async prepareSession(client: PoolClient): Promise<void> {
    await client.query('set plan_cache_mode = force_generic_plan');
  }

  /**
   * One round: advance the watermark, seal every full block waiting (and a partial one when the
   * interval has passed, or always when `flush`), then propose and announce what is pending, and
   * decide when the next round is worth running. Public for tests and the benchmark, which drive
   * the sealer without its timer.
   */
  async tick(client: PoolClient, flush: boolean): Promise<number> {
    const watermark = await this.watermark.advance(client);
    this.observe(watermark);
    let sealed = 0;
    if (!this.lastLoaded) {
      this.last = await lastBlock(client);
      this.lastLoaded = true;
    }
    let previous = this.last;
    let operators: string[] | undefined;
    const max = this.settings.ANCHOR_BLOCK_ENTRIES_MAX;
    while (sealed < blocksPerTickMax) {
      const after = previous?.header.lastSequence ?? 0n;
      if (watermark <= after) break;
      const due = flush || Date.now() - this.lastSealAtMs >= this.settings.ANCHOR_BLOCK_INTERVAL_MS;
      // Sequences are unique, so (after, watermark] holds at most watermark - after entries: with
      // fewer than a block's worth and the interval not over, there is nothing to seal yet, and
      // the database need not be asked.
      if (!due && watermark - after < BigInt(max)) break;
      const entries = await this.entries.between(client, after, watermark, max);
      // Only holes left, or fewer entries than the holes suggested and not due: wait for more.
      if (entries.length === 0 || (entries.length < max && !due)) break;
      operators ??= [...(await operatorKeys(client)).keys()];
      const encoded = encodeEntries(entries);
      const block = await this.seal(client, previous, after, entries, encoded.leafHashes, operators.length);
      previous = block;
      this.last = block;
      sealed++;
      // Proposed at once with the entries in hand; a failure leaves proposed_at null for the retry below.
      await this.sendProposals(block, entries, encoded, operators);
      await this.markProposed(client, block.header.height);
    }
    if (flush || Date.now() - this.lastRetryAtMs >= retryIntervalMs) {
      this.lastRetryAtMs = Date.now();
      const { propose, announce } = await heightsToSend(client, retriesPerTickMax);
      for (const height of propose) await this.propose(client, height);
      if (announce.length > 0) await this.announceFinal(client, announce);
    }
    if (flush || Date.now() - this.lastReproposeCheckAtMs >= reproposeDelayMs) {
      this.lastReproposeCheckAtMs = Date.now();
      await this.proposeRefusedAgain(client, flush);
    }
    this.delayMs = this.plan(watermark, sealed === blocksPerTickMax);
    return sealed;
  }

  /** Keeps a running average of the arrival rate from how far the watermark moved, and when. */
  private observe(watermark: bigint): void {
    const now = Date.now();
    if (this.lastWatermarkAtMs > 0 && watermark > this.lastWatermark) {
      this.arrivalRate = nextArrivalRate(this.arrivalRate, Number(watermark - this.lastWatermark), now - this.lastWatermarkAtMs);
    }
    if (watermark !== this.lastWatermark || this.lastWatermarkAtMs === 0) {
      this.lastWatermark = watermark;
      this.lastWatermarkAtMs = now;
    }
  }

  private plan(watermark: bigint, backlog: boolean): number {
    const sealedThrough = this.last?.header.lastSequence ?? 0n;
    return nextTickDelayMs({
      nowMs: Date.now(),
      pollMs: this.settings.ANCHOR_POLL_MS,
      blockIntervalMs: this.settings.ANCHOR_BLOCK_INTERVAL_MS,
      blockEntriesMax: this.settings.ANCHOR_BLOCK_ENTRIES_MAX,
      backlog,
      waiting: watermark > sealedThrough ? Number(watermark - sealedThrough) : 0,
      candidatePending: this.watermark.hasPending,
      lastSealAtMs: this.lastSealAtMs,
      arrivalRate: this.arrivalRate,
      previousDelayMs: this.delayMs,
    });
  }

  private async seal(
    client: PoolClient,
    previous: StoredBlock | undefined,
    after: bigint,
    entries: readonly SealableEntry[],
    leafHashes: readonly Uint8Array[],
    operatorCount: number,
  ): Promise<StoredBlock> {
    const height = previous === undefined ? 0n : previous.header.height + 1n;
    // Each entry is encoded and hashed once: the same leaf hashes build the root and travel in the
    // proposals, with the same encodings.
    const header = buildBlockHeader({
      height,
      previousHash: previous === undefined ? genesisPreviousHash : previous.blockHash,
      firstSequence: after + 1n,
      lastSequence: entries[entries.length - 1]!.entry.sequence,
      entryHashes: leafHashes,
      sealedAt: Date.now(),
    });
    const block = { header, blockHash: blockHash(header), centralBankSignature: signBlockHeader(header, this.key.privateKey), quorum: AnchorSealer.quorumOf(this.settings, operatorCount) };
    await insertBlock(client, block);
    this.lastSealAtMs = Date.now();
    this.logger.debug({ height: height.toString(), entries: entries.length, lastSequence: header.lastSequence.toString() }, 'anchor block sealed');
    return { ...block, proposedAt: null, finalAt: null };
  }

  /** Sends each registered operator the header, all leaf hashes, and only the entries that concern it. */
  private async propose(client: PoolClient, height: bigint): Promise<void> {
    const found = await this.blockWithEntries(client, height);
    if (found === undefined) return;
    await this.sendProposals(found.block, found.entries, found.encoded, [...(await operatorKeys(client)).keys()]);
    await this.markProposed(client, height);
  }

  private async blockWithEntries(client: PoolClient, height: bigint): Promise<{ block: StoredBlock; entries: SealableEntry[]; encoded: EncodedEntries } | undefined> {
    const block = await blockAt(client, height);
    if (block === undefined) return undefined;
    const { header } = block;
    const entries = await this.entries.between(client, header.firstSequence - 1n, header.lastSequence, header.entryCount);
    return { block, entries, encoded: encodeEntries(entries) };
  }

  private encoderOf(block: StoredBlock, entries: readonly SealableEntry[], encoded: EncodedEntries): ProposalEncoder {
    return new ProposalEncoder({
      header: block.header,
      centralBankSignature: block.centralBankSignature,
      centralBankPublicKey: this.key.publicKey,
      leafHashes: encoded.leafHashes,
      entries: entries.map((e, index) => ({ encoded: encoded.encodings[index]!, operators: e.operators })),
    });
  }

  private async sendProposals(block: StoredBlock, entries: readonly SealableEntry[], encoded: EncodedEntries, operators: readonly string[]): Promise<void> {
    const encoder = this.encoderOf(block, entries, encoded);
    const messages = new Map<string, Message[]>();
    for (const operatorId of operators) {
      messages.set(operatorAnchorTopic(operatorId), [{ key: operatorId, value: encoder.encodeFor(operatorId) }]);
    }
    await this.send(messages);
  }

  private async markProposed(client: PoolClient, height: bigint): Promise<void> {
    await client.query({ name: 'anchor-proposed', text: 'update anchor_blocks set proposed_at = now() where height = $1', values: [height.toString()] });
  }

  /**
   * Proposes again, to the operator that refused them, the blocks refused for a reason that may
   * have passed (its books behind, the previous block missing from its replica), lowest first, so
   * the operator checks them afresh in chain order. An operator still refusing the same lowest
   * block waits twice as long before the next round, up to a limit (nextReproposal; `flush`
   * ignores the wait, for tests and the benchmark).
   */
  private async proposeRefusedAgain(client: PoolClient, flush: boolean): Promise<void> {
    const refused = await refusedToPropose(client, anchorRefusalCodesTransient, reproposalsPerOperatorMax);
    for (const operatorId of [...this.reproposals.keys()]) if (!refused.has(operatorId)) this.reproposals.delete(operatorId);
    const now = Date.now();
    for (const [operatorId, heights] of refused) {
      const next = nextReproposal(this.reproposals.get(operatorId), heights[0]!, now, flush);
      if (next === undefined) continue;
      this.reproposals.set(operatorId, next);
      const messages: Message[] = [];
      for (const height of heights) {
        const found = await this.blockWithEntries(client, height);
        if (found === undefined) continue;
        messages.push({ key: operatorId, value: this.encoderOf(found.block, found.entries, found.encoded).encodeFor(operatorId) });
      }
      this.logger.info({ operatorId, heights: heights.map(String) }, 'proposing again blocks an operator refused for a reason that may have passed');
      await this.send(new Map([[operatorAnchorTopic(operatorId), messages]]));
    }
  }

  /**
   * Sends every operator these final blocks with their endorsements, for their replicas: in height
   * order, all in one batch, after two reads; then marks them announced in one statement.
   */
  private async announceFinal(client: PoolClient, heights: readonly bigint[]): Promise<void> {
    const finals = await finalBlocksWithEndorsements(client, heights);
    if (finals.length === 0) return;
    const keys = await operatorKeys(client);
    const values = finals.map(({ block, endorsements }) => {
      const final: AnchorBlockFinalV1 = {
        header: headerToWire(block.header),
        quorum: block.quorum,
        centralBankSignature: toHex(block.centralBankSignature),
        endorsements: endorsements.map((e) => ({ operatorId: e.operatorId, signature: toHex(e.signature) })),
        endorserKeys: endorsements.flatMap((e) => {
          const key = keys.get(e.operatorId);
          return key === undefined ? [] : [{ operatorId: e.operatorId, publicKey: toHex(key) }];
        }),
      };
      return encodeMessage(anchorBlockFinalV1, final);
    });
    const messages = new Map<string, Message[]>();
    for (const operatorId of keys.keys()) messages.set(operatorAnchorTopic(operatorId), values.map((value) => ({ key: operatorId, value })));
    await this.send(messages);
    await client.query({
      name: 'anchor-final-published',
      text: 'update anchor_blocks set final_published_at = now() where height = any($1::bigint[])',
      values: [finals.map(({ block }) => block.header.height.toString())],
    });
  }

  private async send(messages: Map<string, Message[]>): Promise<void> {
    if (messages.size === 0) return;
    const missing = [...messages.keys()].filter((topic) => !this.ensuredTopics.has(topic));
    if (missing.length > 0) {
      // An operator registered after start has no anchor topic yet; creating one is idempotent.
      await ensureTopics(this.kafka, missing.map((name) => ({ name, partitions: 1 })));
      for (const topic of missing) this.ensuredTopics.add(topic);
    }
    await this.producer.sendBatch({ acks: -1, topicMessages: [...messages].map(([topic, list]) => ({ topic, messages: list })) });
  }
}
