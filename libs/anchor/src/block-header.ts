// Block headers, their hash, and what the central bank and the operators sign.
//
// Header layout (big-endian): tag `cbdc/block/v1`, height (u64), previous block hash (32
// bytes), Merkle root (32 bytes), first and last entry sequence (u64 each), entry count
// (u64), sealedAt in epoch milliseconds (u64). blockHash = SHA-256 of that.
// The central bank signs `cbdc/block-signature/v1 || block hash`; an operator endorses with
// `cbdc/endorsement/v1 || operator id || block hash`. Distinct tags keep a block signature
// from passing for an endorsement (the central bank may also run an operator key someday), and
// the operator id inside the payload keeps one operator's endorsement from being relabelled as
// another's.
// Invariants: a block covers a non-empty range of entry sequences holding entryCount >= 1
// entries. By default the range is gap-free (lastSequence - firstSequence + 1 = entryCount); a
// ledger whose sequence numbers have holes (a PostgreSQL sequence skips the numbers of rolled-back
// transactions) builds sparse blocks, whose range is wider than their count (`lastSequence` given
// to buildBlockHeader, `sparseSequences` in verifyChain). The genesis block has height 0 and a
// previous hash of 32 zero bytes.
import { CanonicalWriter, ed25519PrivateKeyBytes, signFast, verifyFast } from '@cbdc/crypto';
import { hashBytes, sha256 } from './sha256';
import { merkleRoot } from './merkle-tree';

export const blockDomainTag = 'cbdc/block/v1';
export const blockSignatureDomainTag = 'cbdc/block-signature/v1';
export const endorsementDomainTag = 'cbdc/endorsement/v1';
/** Longest operator id, in UTF-8 bytes. */
export const operatorIdBytesMax = 64;
export const genesisHeight = 0n;
/** The genesis block's previous hash: 32 zero bytes. */
export const genesisPreviousHash: Uint8Array = new Uint8Array(hashBytes);

export interface BlockHeader {
  height: bigint;
  previousHash: Uint8Array;
  merkleRoot: Uint8Array;
  firstSequence: bigint;
  lastSequence: bigint;
  entryCount: number;
  /** Sealing time in epoch milliseconds. */
  sealedAt: number;
}

/** An operator's signature over a block it has verified. */
export interface Endorsement {
  operatorId: string;
  signature: Uint8Array;
}

export function encodeBlockHeader(header: BlockHeader): Uint8Array {
  return new CanonicalWriter(160)
    .tag(blockDomainTag)
    .unsigned(header.height, 'height')
    .fixedBytes(header.previousHash, hashBytes, 'previousHash')
    .fixedBytes(header.merkleRoot, hashBytes, 'merkleRoot')
    .unsigned(header.firstSequence, 'firstSequence')
    .unsigned(header.lastSequence, 'lastSequence')
    .safeUnsigned(header.entryCount, 'entryCount')
    .safeUnsigned(header.sealedAt, 'sealedAt')
    .finish();
}

export function blockHash(header: BlockHeader): Uint8Array {
  return sha256(encodeBlockHeader(header));
}

/**
 * The header of the block that follows `previous` (or the genesis block) over these entry hashes.
 * `lastSequence` defaults to a gap-free range; a sparse block passes it (at least first + count - 1).
 */
export function buildBlockHeader(input: {
  height: bigint;
  previousHash: Uint8Array;
  firstSequence: bigint;
  lastSequence?: bigint;
  entryHashes: readonly Uint8Array[];
  sealedAt: number;
}): BlockHeader {
  if (input.entryHashes.length === 0) {
    throw new RangeError('a block covers at least one entry');
  }
  const gapFreeLast = input.firstSequence + BigInt(input.entryHashes.length) - 1n;
  if (input.lastSequence !== undefined && input.lastSequence < gapFreeLast) {
    throw new RangeError(`range ${input.firstSequence}..${input.lastSequence} cannot hold ${input.entryHashes.length} entries`);
  }
  const header: BlockHeader = {
    height: input.height,
    previousHash: input.previousHash,
    merkleRoot: merkleRoot(input.entryHashes),
    firstSequence: input.firstSequence,
    lastSequence: input.lastSequence ?? gapFreeLast,
    entryCount: input.entryHashes.length,
    sealedAt: input.sealedAt,
  };
  // Encoding checks every field's range now rather than when someone first hashes the header.
  encodeBlockHeader(header);
  return header;
}

/** The bytes the central bank signs for a block. */
export function encodeBlockSignaturePayload(hash: Uint8Array): Uint8Array {
  return new CanonicalWriter(64).tag(blockSignatureDomainTag).fixedBytes(hash, hashBytes, 'blockHash').finish();
}

/** The bytes an operator signs to endorse a block. */
export function encodeEndorsementPayload(operatorId: string, hash: Uint8Array): Uint8Array {
  return new CanonicalWriter(128)
    .tag(endorsementDomainTag)
    .nonEmptyString(operatorId, 'operatorId', operatorIdBytesMax)
    .fixedBytes(hash, hashBytes, 'blockHash')
    .finish();
}

/** The central bank's signature over a header. */
export function signBlockHeader(header: BlockHeader, centralBankPrivateKey: Uint8Array): Uint8Array {
  assertPrivateKey(centralBankPrivateKey);
  return signFast(encodeBlockSignaturePayload(blockHash(header)), centralBankPrivateKey);
}

/** An operator's endorsement of a header. */
export function endorseBlockHeader(header: BlockHeader, operatorId: string, operatorPrivateKey: Uint8Array): Endorsement {
  assertPrivateKey(operatorPrivateKey);
  return { operatorId, signature: signFast(encodeEndorsementPayload(operatorId, blockHash(header)), operatorPrivateKey) };
}

/** Whether the central bank signed this header (by hash, so pass `blockHash(header)`). */
export function verifyBlockSignature(hash: Uint8Array, signature: Uint8Array, centralBankPublicKey: Uint8Array): boolean {
  if (!(hash instanceof Uint8Array) || hash.length !== hashBytes) return false;
  return verifyFast(signature, encodeBlockSignaturePayload(hash), centralBankPublicKey);
}

/** Whether the endorsement is the named operator's signature over this block hash. */
export function verifyEndorsement(hash: Uint8Array, endorsement: Endorsement, operatorPublicKey: Uint8Array): boolean {
  let payload: Uint8Array;
  try {
    payload = encodeEndorsementPayload(endorsement.operatorId, hash);
  } catch {
    return false;
  }
  return verifyFast(endorsement.signature, payload, operatorPublicKey);
}

function assertPrivateKey(privateKey: Uint8Array): void {
  if (!(privateKey instanceof Uint8Array) || privateKey.length !== ed25519PrivateKeyBytes) {
    throw new TypeError(`private key must be ${ed25519PrivateKeyBytes} bytes`);
  }
}
