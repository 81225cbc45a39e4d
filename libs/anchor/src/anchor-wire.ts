// The JSON form of anchor data (headers, endorsements, entries, inclusion proofs), shared by the
// central bank's APIs and export, the operators' replicas and `cbdc audit verify` / `cbdc proof`.
// Bytes travel as lower-case hex, sequences and amounts as decimal strings, times as epoch
// milliseconds. Parsing is strict: anything malformed throws a TypeError naming the field, so a
// verifier never checks a half-read value.
// Invariants: toWire and fromWire are inverse on well-formed values; an inclusion proof is
// checked against a header that the central bank signed and a quorum of operators endorsed.
import { fromHex, toHex } from '@cbdc/crypto';
import { AnchorEntry, entryHash } from './entry-encoding';
import { BlockHeader, blockHash, Endorsement, verifyBlockSignature, verifyEndorsement } from './block-header';
import { hashBytes } from './sha256';
import { inclusionProofLengthMax, verifyInclusion } from './merkle-tree';

export interface WireHeader {
  height: string;
  previousHash: string;
  merkleRoot: string;
  firstSequence: string;
  lastSequence: string;
  entryCount: number;
  sealedAt: number;
}

export interface WireEndorsement {
  operatorId: string;
  signature: string;
}

export interface WireEntry {
  sequence: string;
  commandId: string;
  kind: string;
  debit: string;
  credit: string;
  amount: string;
  batchId?: string;
  committedAt: number;
  attributes?: Record<string, string>;
}

/** A block as exported and served: header, the central bank's signature, endorsements, maybe entries. */
export interface WireBlock {
  header: WireHeader;
  blockHash: string;
  centralBankSignature: string;
  endorsements: WireEndorsement[];
  entries?: WireEntry[];
  /** The endorsements this block needed (the quorum in force when it was sealed), where known. */
  quorum?: number;
}

/** The proof that an entry is in a block: its position, audit path and the endorsed block. */
export interface WireEntryProof {
  entry: WireEntry;
  index: number;
  proof: string[];
  block: WireBlock;
}

const decimalPattern = /^(0|[1-9][0-9]{0,19})$/;

function fail(field: string, expected: string): never {
  throw new TypeError(`${field}: expected ${expected}`);
}

function record(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, 'an object');
  return value as Record<string, unknown>;
}

function decimalOf(value: unknown, field: string): bigint {
  if (typeof value !== 'string' || !decimalPattern.test(value)) fail(field, 'a decimal string');
  return BigInt(value);
}

function stringOf(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) fail(field, 'a non-empty string');
  return value;
}

function safeIntegerOf(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) fail(field, 'a non-negative integer');
  return value;
}

function bytesOf(value: unknown, field: string, length?: number): Uint8Array {
  if (typeof value !== 'string' || !/^([0-9a-f]{2})*$/.test(value)) fail(field, 'lower-case hex');
  const bytes = fromHex(value);
  if (length !== undefined && bytes.length !== length) fail(field, `${length} bytes of hex`);
  return bytes;
}

/**
 * Leaf hashes from their lower-case hex (a proposal's `leafHashes`): one decode into one buffer,
 * viewed 32 bytes at a time, instead of a validated decode per leaf; an operator decodes every
 * leaf of every block. Undefined when any is not 32 bytes of hex.
 */
export function leafHashesFromHex(hexes: readonly string[]): Uint8Array[] | undefined {
  for (const text of hexes) {
    if (typeof text !== 'string' || text.length !== 2 * hashBytes) return undefined;
  }
  // Buffer's hex decoder stops at the first pair that is not hex, so a bad digit shows as a short result.
  const all = Buffer.from(hexes.join(''), 'hex');
  if (all.length !== hexes.length * hashBytes) return undefined;
  const leaves = new Array<Uint8Array>(hexes.length);
  for (let index = 0; index < hexes.length; index++) leaves[index] = new Uint8Array(all.buffer, all.byteOffset + index * hashBytes, hashBytes);
  return leaves;
}

export function headerToWire(header: BlockHeader): WireHeader {
  return {
    height: header.height.toString(),
    previousHash: toHex(header.previousHash),
    merkleRoot: toHex(header.merkleRoot),
    firstSequence: header.firstSequence.toString(),
    lastSequence: header.lastSequence.toString(),
    entryCount: header.entryCount,
    sealedAt: header.sealedAt,
  };
}

export function headerFromWire(value: unknown, field = 'header'): BlockHeader {
  const wire = record(value, field);
  return {
    height: decimalOf(wire.height, `${field}.height`),
    previousHash: bytesOf(wire.previousHash, `${field}.previousHash`, hashBytes),
    merkleRoot: bytesOf(wire.merkleRoot, `${field}.merkleRoot`, hashBytes),
    firstSequence: decimalOf(wire.firstSequence, `${field}.firstSequence`),
    lastSequence: decimalOf(wire.lastSequence, `${field}.lastSequence`),
    entryCount: safeIntegerOf(wire.entryCount, `${field}.entryCount`),
    sealedAt: safeIntegerOf(wire.sealedAt, `${field}.sealedAt`),
  };
}

export function entryToWire(entry: AnchorEntry): WireEntry {
  const wire: WireEntry = {
    sequence: entry.sequence.toString(),
    commandId: entry.commandId,
    kind: entry.kind,
    debit: entry.debit,
    credit: entry.credit,
    amount: entry.amount.toString(),
    committedAt: entry.committedAt,
  };
  if (entry.batchId !== undefined) wire.batchId = entry.batchId.toString();
  if (entry.attributes !== undefined) {
    wire.attributes = Object.fromEntries(Object.entries(entry.attributes).map(([key, value]) => [key, String(value)]));
  }
  return wire;
}

export function entryFromWire(value: unknown, field = 'entry'): AnchorEntry {
  const wire = record(value, field);
  const entry: AnchorEntry = {
    sequence: decimalOf(wire.sequence, `${field}.sequence`),
    commandId: stringOf(wire.commandId, `${field}.commandId`),
    kind: stringOf(wire.kind, `${field}.kind`),
    debit: stringOf(wire.debit, `${field}.debit`),
    credit: stringOf(wire.credit, `${field}.credit`),
    amount: decimalOf(wire.amount, `${field}.amount`),
    committedAt: safeIntegerOf(wire.committedAt, `${field}.committedAt`),
  };
  if (wire.batchId !== undefined) entry.batchId = decimalOf(wire.batchId, `${field}.batchId`);
  if (wire.attributes !== undefined) {
    const attributes: Record<string, string> = {};
    for (const [key, item] of Object.entries(record(wire.attributes, `${field}.attributes`))) {
      if (typeof item !== 'string') fail(`${field}.attributes.${key}`, 'a string');
      attributes[key] = item;
    }
    entry.attributes = attributes;
  }
  return entry;
}

export function endorsementFromWire(value: unknown, field = 'endorsement'): Endorsement {
  const wire = record(value, field);
  return { operatorId: stringOf(wire.operatorId, `${field}.operatorId`), signature: bytesOf(wire.signature, `${field}.signature`) };
}

export function blockToWire(block: {
  header: BlockHeader;
  centralBankSignature: Uint8Array;
  endorsements: readonly Endorsement[];
  entries?: readonly AnchorEntry[];
  quorum?: number;
}): WireBlock {
  const wire: WireBlock = {
    header: headerToWire(block.header),
    blockHash: toHex(blockHash(block.header)),
    centralBankSignature: toHex(block.centralBankSignature),
    endorsements: block.endorsements.map((e) => ({ operatorId: e.operatorId, signature: toHex(e.signature) })),
  };
  if (block.entries !== undefined) wire.entries = block.entries.map(entryToWire);
  if (block.quorum !== undefined) wire.quorum = block.quorum;
  return wire;
}

/** The signed block in a wire block; `blockHash` is recomputed from the header, never trusted. */
export function blockFromWire(
  value: unknown,
  field = 'block',
): { header: BlockHeader; centralBankSignature: Uint8Array; endorsements: Endorsement[]; entries?: AnchorEntry[] } {
  const wire = record(value, field);
  const endorsements = wire.endorsements;
  if (!Array.isArray(endorsements)) fail(`${field}.endorsements`, 'an array');
  const block: { header: BlockHeader; centralBankSignature: Uint8Array; endorsements: Endorsement[]; entries?: AnchorEntry[] } = {
    header: headerFromWire(wire.header, `${field}.header`),
    centralBankSignature: bytesOf(wire.centralBankSignature, `${field}.centralBankSignature`),
    endorsements: endorsements.map((e, i) => endorsementFromWire(e, `${field}.endorsements[${i}]`)),
  };
  if (wire.entries !== undefined) {
    if (!Array.isArray(wire.entries)) fail(`${field}.entries`, 'an array');
    block.entries = wire.entries.map((e, i) => entryFromWire(e, `${field}.entries[${i}]`));
  }
  return block;
}

/** Stable codes of an inclusion proof that does not hold. */
export type EntryProofProblemCode =
  | 'MALFORMED_PROOF'
  | 'NOT_IN_RANGE'
  | 'NOT_INCLUDED'
  | 'BAD_CENTRAL_BANK_SIGNATURE'
  | 'BELOW_QUORUM';

export interface EntryProofProblem {
  code: EntryProofProblemCode;
  detail: string;
}

/**
 * Checks an entry's inclusion proof: the entry hashes to leaf `index` of the block's Merkle
 * tree (whose size the header fixes), its sequence lies in the header's range, the central bank
 * signed the header, and at least `quorum` known operators endorsed it. Empty list: it holds.
 */
export function verifyEntryProof(
  value: unknown,
  options: { centralBankPublicKey: Uint8Array; operatorKeys: ReadonlyMap<string, Uint8Array>; quorum: number },
): EntryProofProblem[] {
  let parsed: { entry: AnchorEntry; index: number; proof: Uint8Array[]; block: ReturnType<typeof blockFromWire> };
  try {
    const wire = record(value, 'proof');
    const proof = wire.proof;
    if (!Array.isArray(proof) || proof.length > inclusionProofLengthMax) fail('proof.proof', `an array of at most ${inclusionProofLengthMax} hashes`);
    parsed = {
      entry: entryFromWire(wire.entry, 'proof.entry'),
      index: safeIntegerOf(wire.index, 'proof.index'),
      proof: proof.map((node, i) => bytesOf(node, `proof.proof[${i}]`, hashBytes)),
      block: blockFromWire(wire.block, 'proof.block'),
    };
  } catch (error) {
    return [{ code: 'MALFORMED_PROOF', detail: error instanceof Error ? error.message : String(error) }];
  }
  const problems: EntryProofProblem[] = [];
  const { header } = parsed.block;
  if (parsed.entry.sequence < header.firstSequence || parsed.entry.sequence > header.lastSequence) {
    problems.push({ code: 'NOT_IN_RANGE', detail: `sequence ${parsed.entry.sequence} is outside block ${header.height}'s range ${header.firstSequence}..${header.lastSequence}` });
  }
  let leaf: Uint8Array;
  try {
    leaf = entryHash(parsed.entry);
  } catch (error) {
    return [...problems, { code: 'MALFORMED_PROOF', detail: error instanceof Error ? error.message : String(error) }];
  }
  if (!verifyInclusion(leaf, parsed.index, header.entryCount, parsed.proof, header.merkleRoot)) {
    problems.push({ code: 'NOT_INCLUDED', detail: `the entry is not leaf ${parsed.index} of block ${header.height}'s Merkle root` });
  }
  const hash = blockHash(header);
  if (!verifyBlockSignature(hash, parsed.block.centralBankSignature, options.centralBankPublicKey)) {
    problems.push({ code: 'BAD_CENTRAL_BANK_SIGNATURE', detail: `the central bank did not sign block ${header.height}` });
  }
  const endorsers = new Set<string>();
  for (const endorsement of parsed.block.endorsements) {
    const key = options.operatorKeys.get(endorsement.operatorId);
    if (key !== undefined && verifyEndorsement(hash, endorsement, key)) endorsers.add(endorsement.operatorId);
  }
  if (endorsers.size < options.quorum) {
    problems.push({ code: 'BELOW_QUORUM', detail: `${endorsers.size} valid endorsements of block ${header.height}, ${options.quorum} needed` });
  }
  return problems;
}

/** The auditor's export format tag; a change of shape is a new tag. */
export const anchorExportFormat = 'cbdc-anchor-export/v1';

/**
 * An auditor's export of the whole chain: every block with its endorsements and entries, the keys
 * that were registered when it was written, and the quorum in force. `cbdc audit verify --file`
 * checks it; keys given on the command line override the ones in the file (an auditor should
 * bring keys it obtained independently).
 */
export interface AnchorExport {
  format: typeof anchorExportFormat;
  exportedAt: string;
  centralBankPublicKey: string;
  operators: { id: string; publicKey: string }[];
  quorum: number;
  sparseSequences: boolean;
  blocks: WireBlock[];
}
