/**
 * The text of the per-operator block proposals (`anchor.block-proposal` v1), built once per block.
 *
 * Every operator's proposal of a block repeats the same header, signature and leaf hashes, and an
 * entry that concerns two operators is sent to both with the same leaf index. `encodeMessage`
 * would serialize all of it again for each operator, through a replacer function called for
 * every value. Here the shared part and each entry's `{index, entry}` item are serialized once,
 * with plain JSON.stringify (the wire form holds no bigint, so no replacer is needed), and each
 * operator's message is their concatenation (docs/decisions/0016-cheaper-sealing.md).
 * Invariant: the text is exactly what `encodeMessage(anchorBlockProposalV1, proposal)` produces
 * for the same proposal (anchor-proposal-encoding.spec.ts), so the contract's parser and its
 * samples stay the single definition of the message.
 */
import { anchorBlockProposalV1, type AnchorBlockProposalV1 } from '@cbdc/contracts';
import { entryToWire, headerToWire, type AnchorEntry, type BlockHeader } from '@cbdc/anchor';
import { toHex } from '@cbdc/crypto';

export interface ProposalBlock {
  header: BlockHeader;
  centralBankSignature: Uint8Array;
  centralBankPublicKeyHex: string;
  /** The block's leaf data (entry hashes), in leaf order. */
  leafHashes: readonly Uint8Array[];
  /** The block's entries in leaf order, each with the operators it concerns. */
  entries: readonly { entry: AnchorEntry; operators: ReadonlySet<string> }[];
}

export class ProposalEncoder {
  private readonly shared: string;
  private readonly items: (string | undefined)[];

  constructor(private readonly block: ProposalBlock) {
    // Same key order as the proposal object encodeMessage would be given.
    this.shared =
      `,"centralBankPublicKey":${JSON.stringify(block.centralBankPublicKeyHex)}` +
      `,"header":${JSON.stringify(headerToWire(block.header))}` +
      `,"centralBankSignature":"${toHex(block.centralBankSignature)}"` +
      `,"leafHashes":${JSON.stringify(block.leafHashes.map(toHex))}`;
    this.items = new Array<string | undefined>(block.entries.length);
  }

  /** The message for one operator: all leaf hashes, and in full only the entries that concern it. */
  encodeFor(operatorId: string): string {
    const mine: string[] = [];
    const { entries } = this.block;
    for (let index = 0; index < entries.length; index++) {
      const item = entries[index]!;
      if (!item.operators.has(operatorId)) continue;
      let text = this.items[index];
      if (text === undefined) {
        text = JSON.stringify({ index, entry: entryToWire(item.entry) });
        this.items[index] = text;
      }
      mine.push(text);
    }
    return `{"type":${JSON.stringify(anchorBlockProposalV1.type)},"version":${anchorBlockProposalV1.version},"operatorId":${JSON.stringify(operatorId)}${this.shared},"entries":[${mine.join(',')}]}`;
  }
}

/** The proposal object for one operator, as the contract types it (tests compare the two encodings). */
export function proposalFor(block: ProposalBlock, operatorId: string): AnchorBlockProposalV1 {
  return {
    operatorId,
    centralBankPublicKey: block.centralBankPublicKeyHex,
    header: headerToWire(block.header),
    centralBankSignature: toHex(block.centralBankSignature),
    leafHashes: block.leafHashes.map(toHex),
    entries: block.entries.flatMap((e, index) => (e.operators.has(operatorId) ? [{ index, entry: entryToWire(e.entry) }] : [])),
  };
}
