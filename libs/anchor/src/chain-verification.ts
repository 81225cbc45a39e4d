// Verification of a chain of blocks, as `cbdc audit verify` and every endorsing operator run it.
//
// It reports every problem it finds, each with the block height and a stable code, rather than
// stopping at the first: an auditor wants the whole picture. Checks per block, in order:
// header well-formed and its entry range consistent; height and previous hash follow the
// previous block (or the genesis rule, or the trusted starting point); entry ranges contiguous;
// the central bank's signature; each endorsement known, unique and valid; at least `quorum`
// valid endorsements from distinct operators; and, when the block's entries are supplied,
// their sequences match the range and their recomputed Merkle root matches the header.
// Links are checked against the hash of the header actually present, so a rewritten header
// shows twice: a bad signature at its own height and a broken link at the next.
import { bytesEqual, toHex } from '@cbdc/crypto';
import { AnchorEntry, entryHash } from './entry-encoding';
import { BlockHeader, blockHash, Endorsement, genesisHeight, genesisPreviousHash, verifyBlockSignature, verifyEndorsement } from './block-header';
import { merkleRoot } from './merkle-tree';

/** A block as stored by every participant: header, central-bank signature, endorsements, optionally its entries. */
export interface SignedBlock {
  header: BlockHeader;
  centralBankSignature: Uint8Array;
  endorsements: readonly Endorsement[];
  /** The block's entries in sequence order; when given, the Merkle root is recomputed. */
  entries?: readonly AnchorEntry[];
}

/** A block trusted already, after which a partial chain (a replica's tail, a proposal) continues. */
export interface ChainAnchorPoint {
  height: bigint;
  hash: Uint8Array;
  lastSequence: bigint;
}

export interface ChainVerificationOptions {
  centralBankPublicKey: Uint8Array;
  operatorKeys: ReadonlyMap<string, Uint8Array>;
  /** Valid endorsements needed per block; default `quorumDefault(operatorKeys.size)`. 0 checks a proposal not yet endorsed. */
  quorum?: number;
  /** Verify a chain that continues after this block instead of starting at genesis. */
  after?: ChainAnchorPoint;
  /**
   * Whether a block's range may hold fewer entries than sequence numbers (holes left by a
   * ledger's rolled-back transactions). Ranges still tile the sequence space: each block starts
   * right after the previous one's last sequence, and ends on an entry. Default false: gap-free.
   */
  sparseSequences?: boolean;
}

/** Stable codes of chain problems; part of the audit report format, never rename. */
export type ChainProblemCode =
  | 'MALFORMED_HEADER'
  | 'ENTRY_RANGE_INVALID'
  | 'HEIGHT_GAP'
  | 'BROKEN_LINK'
  | 'SEQUENCE_GAP'
  | 'BAD_CENTRAL_BANK_SIGNATURE'
  | 'UNKNOWN_ENDORSER'
  | 'DUPLICATE_ENDORSEMENT'
  | 'BAD_ENDORSEMENT_SIGNATURE'
  | 'BELOW_QUORUM'
  | 'MALFORMED_ENTRY'
  | 'ENTRY_COUNT_MISMATCH'
  | 'ENTRY_SEQUENCE_MISMATCH'
  | 'MERKLE_ROOT_MISMATCH';

export interface ChainProblem {
  /** Height of the block where the problem shows (the height its header claims). */
  height: bigint;
  /** Position of the block in the list given, for headers whose height is itself wrong. */
  position: number;
  code: ChainProblemCode;
  detail: string;
  operatorId?: string;
}

/** A strict majority of the operators: floor(n/2) + 1. */
export function quorumDefault(operatorCount: number): number {
  if (!Number.isSafeInteger(operatorCount) || operatorCount < 0) {
    throw new RangeError(`operator count must be a non-negative integer, got ${operatorCount}`);
  }
  return Math.floor(operatorCount / 2) + 1;
}

/** Every problem found in the chain; an empty list means the chain verifies. */
export function verifyChain(blocks: readonly SignedBlock[], options: ChainVerificationOptions): ChainProblem[] {
  const quorum = options.quorum ?? quorumDefault(options.operatorKeys.size);
  if (!Number.isSafeInteger(quorum) || quorum < 0) {
    throw new RangeError(`quorum must be a non-negative integer, got ${quorum}`);
  }
  const problems: ChainProblem[] = [];
  let previous: ChainAnchorPoint | undefined = options.after;

  blocks.forEach((block, position) => {
    const { header } = block;
    const height = typeof header?.height === 'bigint' ? header.height : -1n;
    const report = (code: ChainProblemCode, detail: string, operatorId?: string): void => {
      problems.push(operatorId === undefined ? { height, position, code, detail } : { height, position, code, detail, operatorId });
    };

    let hash: Uint8Array;
    try {
      hash = blockHash(header);
    } catch (error) {
      report('MALFORMED_HEADER', error instanceof Error ? error.message : String(error));
      // Nothing after this block can link to a header we cannot hash.
      previous = undefined;
      return;
    }

    const rangeLength = header.lastSequence - header.firstSequence + 1n;
    const rangeHolds = options.sparseSequences === true ? rangeLength >= BigInt(header.entryCount) : rangeLength === BigInt(header.entryCount);
    if (header.entryCount < 1 || !rangeHolds) {
      report('ENTRY_RANGE_INVALID', `range ${header.firstSequence}..${header.lastSequence} does not hold ${header.entryCount} entries`);
    }

    if (previous === undefined && position === 0) {
      if (header.height !== genesisHeight) {
        report('HEIGHT_GAP', `chain starts at height ${header.height}, expected genesis height ${genesisHeight}`);
      }
      if (!bytesEqual(header.previousHash, genesisPreviousHash)) {
        report('BROKEN_LINK', 'genesis block must have a previous hash of 32 zero bytes');
      }
    } else if (previous === undefined) {
      report('BROKEN_LINK', 'the block before could not be hashed, so this link cannot be checked');
    } else {
      if (header.height !== previous.height + 1n) {
        report('HEIGHT_GAP', `height ${header.height} follows height ${previous.height}`);
      }
      if (!bytesEqual(header.previousHash, previous.hash)) {
        report('BROKEN_LINK', `previous hash ${toHex(header.previousHash)} is not the hash ${toHex(previous.hash)} of the block before`);
      }
      if (header.firstSequence !== previous.lastSequence + 1n) {
        report('SEQUENCE_GAP', `first sequence ${header.firstSequence} does not follow last sequence ${previous.lastSequence}`);
      }
    }

    if (!verifyBlockSignature(hash, block.centralBankSignature, options.centralBankPublicKey)) {
      report('BAD_CENTRAL_BANK_SIGNATURE', 'the central bank did not sign this header');
    }

    const endorsers = new Set<string>();
    for (const endorsement of block.endorsements) {
      const operatorKey = options.operatorKeys.get(endorsement.operatorId);
      if (operatorKey === undefined) {
        report('UNKNOWN_ENDORSER', `endorsement by unknown operator ${JSON.stringify(endorsement.operatorId)}`, endorsement.operatorId);
      } else if (endorsers.has(endorsement.operatorId)) {
        report('DUPLICATE_ENDORSEMENT', `operator ${endorsement.operatorId} endorsed twice; counted once`, endorsement.operatorId);
      } else if (!verifyEndorsement(hash, endorsement, operatorKey)) {
        report('BAD_ENDORSEMENT_SIGNATURE', `endorsement by ${endorsement.operatorId} does not verify`, endorsement.operatorId);
      } else {
        endorsers.add(endorsement.operatorId);
      }
    }
    if (endorsers.size < quorum) {
      report('BELOW_QUORUM', `${endorsers.size} valid endorsements, ${quorum} needed`);
    }

    if (block.entries !== undefined) {
      checkEntries(block.entries, header, options.sparseSequences === true, report);
    }

    previous = { height: header.height, hash, lastSequence: header.lastSequence };
  });
  return problems;
}

function checkEntries(entries: readonly AnchorEntry[], header: BlockHeader, sparse: boolean, report: (code: ChainProblemCode, detail: string) => void): void {
  if (entries.length !== header.entryCount) {
    report('ENTRY_COUNT_MISMATCH', `${entries.length} entries supplied, header says ${header.entryCount}`);
  }
  if (sparse) {
    checkSparseSequences(entries, header, report);
  } else {
    checkGapFreeSequences(entries, header, report);
  }
  let hashes: Uint8Array[];
  try {
    hashes = entries.map(entryHash);
  } catch (error) {
    report('MALFORMED_ENTRY', error instanceof Error ? error.message : String(error));
    return;
  }
  const root = merkleRoot(hashes);
  if (!bytesEqual(root, header.merkleRoot)) {
    report('MERKLE_ROOT_MISMATCH', `recomputed root ${toHex(root)} differs from the header's ${toHex(header.merkleRoot)}`);
  }
}

/** Sparse blocks: sequences strictly increase inside the header's range, and the last one ends it. */
function checkSparseSequences(entries: readonly AnchorEntry[], header: BlockHeader, report: (code: ChainProblemCode, detail: string) => void): void {
  let previous = header.firstSequence - 1n;
  for (let index = 0; index < entries.length; index++) {
    const sequence = entries[index].sequence;
    if (typeof sequence !== 'bigint' || sequence <= previous || sequence > header.lastSequence) {
      report('ENTRY_SEQUENCE_MISMATCH', `entry ${index} has sequence ${String(sequence)}, outside ${previous + 1n}..${header.lastSequence} or out of order`);
      return;
    }
    previous = sequence;
  }
  if (entries.length > 0 && previous !== header.lastSequence) {
    report('ENTRY_SEQUENCE_MISMATCH', `the last entry has sequence ${previous}, but the block ends at ${header.lastSequence}`);
  }
}

function checkGapFreeSequences(entries: readonly AnchorEntry[], header: BlockHeader, report: (code: ChainProblemCode, detail: string) => void): void {
  const mismatch = entries.findIndex((entry, index) => entry.sequence !== header.firstSequence + BigInt(index));
  if (mismatch >= 0) {
    report('ENTRY_SEQUENCE_MISMATCH', `entry ${mismatch} has sequence ${entries[mismatch].sequence}, expected ${header.firstSequence + BigInt(mismatch)}`);
  }
}
