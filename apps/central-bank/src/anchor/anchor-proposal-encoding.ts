/**
 * The bytes of the per-operator block proposals (`anchor.block-proposal` v2, binary), built once
 * per block (docs/decisions/0018-binary-anchor-proposals.md).
 *
 * Every operator's proposal of a block repeats the same header, key, signature and leaf hashes,
 * and an entry that concerns two operators is sent to both with the same leaf index. The shared
 * part and each entry's item (index, length, canonical encoding) are laid out once here, and each
 * operator's message is their concatenation. The entries travel as the very bytes the sealer
 * hashed into the leaves (`entryEncoding`), so nothing is encoded twice.
 * Invariant: the bytes are exactly what the contract's `anchorBlockProposalV2.encode` produces
 * for the same proposal (anchor-proposal-encoding.spec.ts), so the contract stays the one
 * definition of the message.
 */
import { anchorBlockProposalV2, binaryPrefix, type AnchorBlockProposalV2 } from '@cbdc/contracts';
import { encodeBlockHeader, type BlockHeader } from '@cbdc/anchor';

export interface ProposalBlock {
  header: BlockHeader;
  centralBankSignature: Uint8Array;
  centralBankPublicKey: Uint8Array;
  /** The block's leaf data (entry hashes), in leaf order. */
  leafHashes: readonly Uint8Array[];
  /** The block's entries in leaf order: each one's canonical encoding, and the operators it concerns. */
  entries: readonly { encoded: Uint8Array; operators: ReadonlySet<string> }[];
}

const prefix = Buffer.from(binaryPrefix(anchorBlockProposalV2.type, anchorBlockProposalV2.version));

export class ProposalEncoder {
  private readonly shared: Buffer;
  private readonly items: (Buffer | undefined)[];

  constructor(private readonly block: ProposalBlock) {
    const header = encodeBlockHeader(block.header);
    const leafCount = block.leafHashes.length;
    // Key, header (u16 length), signature, leaf count (u16) and leaves; the operator id comes before it.
    this.shared = Buffer.allocUnsafe(block.centralBankPublicKey.length + 2 + header.length + block.centralBankSignature.length + 2 + 32 * leafCount);
    let offset = 0;
    this.shared.set(block.centralBankPublicKey, offset);
    offset += block.centralBankPublicKey.length;
    offset = this.shared.writeUInt16BE(header.length, offset);
    this.shared.set(header, offset);
    offset += header.length;
    this.shared.set(block.centralBankSignature, offset);
    offset += block.centralBankSignature.length;
    offset = this.shared.writeUInt16BE(leafCount, offset);
    for (const leaf of block.leafHashes) {
      this.shared.set(leaf, offset);
      offset += leaf.length;
    }
    this.items = new Array<Buffer | undefined>(block.entries.length);
  }

  /** The message for one operator: all leaf hashes, and in full only the entries that concern it. */
  encodeFor(operatorId: string): Buffer {
    const parts: Buffer[] = [prefix, Buffer.from([operatorId.length, ...Buffer.from(operatorId, 'latin1')]), this.shared, Buffer.alloc(2)];
    let count = 0;
    const { entries } = this.block;
    for (let index = 0; index < entries.length; index++) {
      const item = entries[index]!;
      if (!item.operators.has(operatorId)) continue;
      let bytes = this.items[index];
      if (bytes === undefined) {
        bytes = Buffer.allocUnsafe(4 + item.encoded.length);
        bytes.writeUInt16BE(index, 0);
        bytes.writeUInt16BE(item.encoded.length, 2);
        bytes.set(item.encoded, 4);
        this.items[index] = bytes;
      }
      parts.push(bytes);
      count++;
    }
    parts[3]!.writeUInt16BE(count, 0);
    return Buffer.concat(parts);
  }
}

/** The proposal for one operator, as the contract types it (tests compare the two encodings). */
export function proposalFor(block: ProposalBlock, operatorId: string): AnchorBlockProposalV2 {
  return {
    operatorId,
    centralBankPublicKey: block.centralBankPublicKey,
    header: encodeBlockHeader(block.header),
    centralBankSignature: block.centralBankSignature,
    leafHashes: Buffer.concat(block.leafHashes.map((leaf) => Buffer.from(leaf.buffer, leaf.byteOffset, leaf.byteLength))),
    entries: block.entries.flatMap((e, index) => (e.operators.has(operatorId) ? [{ index, entry: e.encoded }] : [])),
  };
}
