/**
 * Reads of the anchor log for the HTTP API and the auditor's export: blocks with their
 * endorsements, inclusion proofs of entries and payments, refusals. Proofs are built on demand
 * from the block's entries (at most ANCHOR_BLOCK_ENTRIES_MAX leaves), never stored.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { anchorExportFormat, blockToWire, buildMerkleTree, entryHash, entryToWire, type AnchorExport, type WireBlock, type WireEntryProof } from '@cbdc/anchor';
import { toHex } from '@cbdc/crypto';
import { PG_POOL } from '@cbdc/platform';
import { CENTRAL_BANK_KEY, CENTRAL_BANK_SETTINGS } from '../central-bank.tokens';
import type { CentralBankKey } from '../keys/central-bank-key';
import { AnchorSealer, type AnchorSealerSettings } from './anchor-sealer.service';
import { blockAt, blockHolding, blocksFrom, endorsementsOf, operatorKeys, refusals, SealableEntryReader, sequenceOfCommand, type RefusalRow, type StoredBlock } from './anchor-store';

/** A block as the API shows it: the wire block, and whether a quorum endorsed it yet. */
export type BlockView = WireBlock & { final: boolean; finalAt: string | null };
export type EntryProofView = WireEntryProof & { final: boolean };

/** Blocks per page of GET /v1/blocks at most. */
export const blocksPageMax = 100;
/** Blocks read per round trip while exporting. */
export const exportChunkBlocks = 200;

@Injectable()
export class AnchorQueryService {
  /** Reads a block's entries to prove; remembers batch times and wallet operators. */
  private readonly entries = new SealableEntryReader();

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CENTRAL_BANK_KEY) private readonly key: CentralBankKey,
    @Inject(CENTRAL_BANK_SETTINGS) private readonly settings: AnchorSealerSettings,
  ) {}

  async blocks(from: bigint, limit: number): Promise<BlockView[]> {
    const blocks = await blocksFrom(this.pool, from, Math.min(limit, blocksPageMax));
    return Promise.all(blocks.map((block) => this.view(block)));
  }

  async block(height: bigint): Promise<BlockView | undefined> {
    const block = await blockAt(this.pool, height);
    return block === undefined ? undefined : this.view(block);
  }

  /** The proof of the entry with this sequence; undefined while it is not sealed (or does not exist). */
  async entryProof(sequence: bigint): Promise<EntryProofView | undefined> {
    const block = await blockHolding(this.pool, sequence);
    if (block === undefined) return undefined;
    const entries = (await this.entries.between(this.pool, block.header.firstSequence - 1n, block.header.lastSequence, block.header.entryCount)).map((e) => e.entry);
    const index = entries.findIndex((entry) => entry.sequence === sequence);
    if (index < 0) return undefined;
    const tree = buildMerkleTree(entries.map(entryHash));
    const view = await this.view(block);
    return { entry: entryToWire(entries[index]!), index, proof: tree.proof(index).map(toHex), block: view, final: view.final };
  }

  async paymentProof(paymentId: string): Promise<EntryProofView | undefined> {
    const sequence = await sequenceOfCommand(this.pool, paymentId);
    return sequence === undefined ? undefined : this.entryProof(sequence);
  }

  async refusals(limit: number): Promise<RefusalRow[]> {
    return refusals(this.pool, Math.min(limit, blocksPageMax));
  }

  /** The auditor's export: every block with endorsements and entries (see AnchorExport). */
  async export(): Promise<AnchorExport> {
    const keys = await operatorKeys(this.pool);
    const blocks: WireBlock[] = [];
    for (let from = 0n; ; ) {
      const chunk = await blocksFrom(this.pool, from, exportChunkBlocks);
      for (const block of chunk) {
        const entries = await this.entries.between(this.pool, block.header.firstSequence - 1n, block.header.lastSequence, Number.MAX_SAFE_INTEGER);
        blocks.push(blockToWire({ ...block, endorsements: await endorsementsOf(this.pool, block.header.height), entries: entries.map((e) => e.entry), quorum: block.quorum }));
      }
      if (chunk.length < exportChunkBlocks) break;
      from = chunk[chunk.length - 1]!.header.height + 1n;
    }
    return {
      format: anchorExportFormat,
      exportedAt: new Date().toISOString(),
      centralBankPublicKey: this.key.publicKeyHex,
      operators: [...keys].map(([id, publicKey]) => ({ id, publicKey: toHex(publicKey) })),
      quorum: AnchorSealer.quorumOf(this.settings, keys.size),
      sparseSequences: true,
      blocks,
    };
  }

  private async view(block: StoredBlock): Promise<BlockView> {
    const endorsements = await endorsementsOf(this.pool, block.header.height);
    return { ...blockToWire({ ...block, endorsements, quorum: block.quorum }), final: block.finalAt !== null, finalAt: block.finalAt?.toISOString() ?? null };
  }
}
