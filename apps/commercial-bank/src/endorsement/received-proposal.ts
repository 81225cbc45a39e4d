/**
 * A block proposal as the endorser checks it, whichever version brought it: the header and its
 * hash, the central bank's key and signature, all leaf hashes, and our entries with the hash of
 * each (docs/decisions/0018-binary-anchor-proposals.md).
 *
 * - Version 2 (binary, what the central bank sends) carries the header and the entries as their
 *   canonical encodings: the block hash is the SHA-256 of the header's bytes and an entry's leaf
 *   the SHA-256 of its bytes, so nothing is encoded again; `@cbdc/anchor` decodes both strictly,
 *   so the values checked against our books are exactly the ones those bytes encode.
 * - Version 1 (JSON) is still read: its reading is the same few lines it always was (decode the
 *   hex leaves, parse each entry and hash its encoding), and it lets a central bank that still
 *   sends v1 run beside banks that already read v2.
 * A reading that fails names the block when the header could be read, so the bank can refuse it
 * with a reason; otherwise the message is only logged.
 */
import type { AnchorBlockProposalV1, AnchorBlockProposalV2 } from '@cbdc/contracts';
import {
  blockHash,
  decodeBlockHeader,
  decodeEntry,
  entryFromWire,
  entryHash,
  hashBytes,
  headerFromWire,
  leafHashesFromHex,
  sha256,
  type AnchorEntry,
  type BlockHeader,
} from '@cbdc/anchor';
import { fromHex } from '@cbdc/crypto';

export interface ReceivedProposal {
  version: number;
  operatorId: string;
  centralBankPublicKey: Uint8Array;
  header: BlockHeader;
  blockHash: Uint8Array;
  centralBankSignature: Uint8Array;
  /** How many leaf hashes the proposal gave. */
  leafCount: number;
  /** The leaf hashes, 32 bytes each; undefined when what was given is not that (a v1 hex that does not decode). */
  leafHashes: Uint8Array[] | undefined;
  /** Our entries, in the order given, each with its leaf index and the hash of its encoding. */
  entries: { index: number; entry: AnchorEntry; hash: Uint8Array }[];
}

export type ProposalReading =
  | { ok: true; proposal: ReceivedProposal }
  | { ok: false; operatorId: string; named: { header: BlockHeader; blockHash: Uint8Array } | undefined; detail: string };

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function readProposalV2(body: AnchorBlockProposalV2): ProposalReading {
  let header: BlockHeader;
  try {
    header = decodeBlockHeader(body.header);
  } catch (error) {
    return { ok: false, operatorId: body.operatorId, named: undefined, detail: `the header does not decode: ${reasonOf(error)}` };
  }
  const hash = sha256(body.header);
  const entries: ReceivedProposal['entries'] = [];
  for (const item of body.entries) {
    try {
      entries.push({ index: item.index, entry: decodeEntry(item.entry), hash: sha256(item.entry) });
    } catch (error) {
      return { ok: false, operatorId: body.operatorId, named: { header, blockHash: hash }, detail: `the entry at leaf ${item.index} does not decode: ${reasonOf(error)}` };
    }
  }
  const leafCount = body.leafHashes.length / hashBytes;
  const leafHashes = new Array<Uint8Array>(leafCount);
  for (let index = 0; index < leafCount; index++) leafHashes[index] = body.leafHashes.subarray(index * hashBytes, (index + 1) * hashBytes);
  return {
    ok: true,
    proposal: {
      version: 2,
      operatorId: body.operatorId,
      centralBankPublicKey: body.centralBankPublicKey,
      header,
      blockHash: hash,
      centralBankSignature: body.centralBankSignature,
      leafCount,
      leafHashes,
      entries,
    },
  };
}

export function readProposalV1(body: AnchorBlockProposalV1): ProposalReading {
  let header: BlockHeader;
  try {
    header = headerFromWire(body.header);
  } catch (error) {
    return { ok: false, operatorId: body.operatorId, named: undefined, detail: `the header does not read: ${reasonOf(error)}` };
  }
  const hash = blockHash(header);
  const entries: ReceivedProposal['entries'] = [];
  for (const item of body.entries) {
    try {
      const entry = entryFromWire(item.entry);
      entries.push({ index: item.index, entry, hash: entryHash(entry) });
    } catch (error) {
      return { ok: false, operatorId: body.operatorId, named: { header, blockHash: hash }, detail: `the entry at leaf ${item.index} does not read: ${reasonOf(error)}` };
    }
  }
  return {
    ok: true,
    proposal: {
      version: 1,
      operatorId: body.operatorId,
      centralBankPublicKey: fromHex(body.centralBankPublicKey),
      header,
      blockHash: hash,
      centralBankSignature: fromHex(body.centralBankSignature),
      leafCount: body.leafHashes.length,
      leafHashes: leafHashesFromHex(body.leafHashes),
      entries,
    },
  };
}
