// Canonical encoding and hash of a committed ledger entry, the leaves of the anchor.
//
// Layout (big-endian, see @cbdc/crypto canonical-encoding): tag `cbdc/entry/v1`, sequence
// (u64), commandId, kind, debit account, credit account (each a u32-length-prefixed UTF-8
// string), amount in fen (u64), batchId (a presence byte 0x00, or 0x01 and a u64),
// committedAt in epoch milliseconds (u64), then the attributes as a sorted flat field map (an
// absent map encodes as an empty one).
// Invariants: any change to any field changes the bytes, hence the hash, hence the block's
// Merkle root; the layout is pinned by a test vector in entry-encoding.spec.ts, and a change
// to it needs a new tag.
//
// `entryHash` runs for every entry the central bank seals and every entry an operator checks, so
// it has a fast path (docs/decisions/0016-cheaper-sealing.md): the same bytes written straight
// into one reused scratch buffer and hashed from there, with no writer object, no per-field
// views and no final copy. It covers entries whose attributes are all strings (every ledger
// entry's are); anything else, and anything the fast path would have to refuse, goes through
// the general CanonicalWriter, which encodes or throws with the precise reason. A property test
// (entry-encoding.spec.ts) checks both paths give identical bytes.
import {
  canonicalFieldKeyBytesMax,
  canonicalFieldsCountMax,
  canonicalFieldStringBytesMax,
  canonicalUnsignedMax,
  canonicalValueType,
  CanonicalFields,
  CanonicalWriter,
} from '@cbdc/crypto';
import { sha256 } from './sha256';

export const entryDomainTag = 'cbdc/entry/v1';
/** Longest id (command id, account id) in UTF-8 bytes; an account id is `wallet:` and a wallet id, far below. */
export const entryIdBytesMax = 128;
/** Longest entry kind in UTF-8 bytes. */
export const entryKindBytesMax = 64;

/** A committed ledger entry as the anchor sees it: one double entry, amount in fen. */
export interface AnchorEntry {
  /** Position in the ledger's total order: gap-free, strictly increasing, one per entry. */
  sequence: bigint;
  /** The ledger command that produced the entry (client-chosen, unique). */
  commandId: string;
  /** issue, recall, load, unload, payment, ... */
  kind: string;
  /** Account debited, such as `wallet:<id>` or `vault:<operator>`. */
  debit: string;
  /** Account credited. */
  credit: string;
  amount: bigint;
  /** The batch (database transaction) that committed the entry, where the ledger records it. */
  batchId?: bigint;
  /** Commit time in epoch milliseconds. */
  committedAt: number;
  /** Anything else the entry must bind (a payment counter, a signature hash): flat, sorted by key. */
  attributes?: CanonicalFields;
}

export function encodeEntry(entry: AnchorEntry): Uint8Array {
  const writer = new CanonicalWriter(256)
    .tag(entryDomainTag)
    .unsigned(entry.sequence, 'sequence')
    .nonEmptyString(entry.commandId, 'commandId', entryIdBytesMax)
    .nonEmptyString(entry.kind, 'kind', entryKindBytesMax)
    .nonEmptyString(entry.debit, 'debit', entryIdBytesMax)
    .nonEmptyString(entry.credit, 'credit', entryIdBytesMax)
    .unsigned(entry.amount, 'amount');
  if (entry.batchId === undefined) {
    writer.byte(0);
  } else {
    writer.byte(1).unsigned(entry.batchId, 'batchId');
  }
  return writer
    .safeUnsigned(entry.committedAt, 'committedAt')
    .fields(entry.attributes ?? {}, 'attributes')
    .finish();
}

/** SHA-256 of the canonical encoding: the entry's leaf data in its block's Merkle tree. */
export function entryHash(entry: AnchorEntry): Uint8Array {
  const length = encodeEntryFast(entry);
  return length < 0 ? sha256(encodeEntry(entry)) : sha256(scratch.subarray(0, length));
}

/**
 * The canonical encoding of an entry as its own bytes (a copy), by the same fast path as
 * `entryHash`: the sealer hashes these bytes and sends them in binary proposals
 * (docs/decisions/0018-binary-anchor-proposals.md), so each entry is encoded once.
 */
export function entryEncoding(entry: AnchorEntry): Uint8Array {
  const length = encodeEntryFast(entry);
  return length < 0 ? encodeEntry(entry) : Uint8Array.prototype.slice.call(scratch, 0, length);
}

/** Room for any entry the fast path takes; a larger one (long attributes) goes the general way. */
const scratchBytes = 8192;
const scratch = Buffer.allocUnsafeSlow(scratchBytes);
const scratchView = new DataView(scratch.buffer, scratch.byteOffset, scratch.byteLength);
const tagBytes = Buffer.from(entryDomainTag, 'ascii');
scratchView.setUint32(0, tagBytes.length);
tagBytes.copy(scratch, 4);
const tagEnd = 4 + tagBytes.length;
const fieldKeyPattern = /^[A-Za-z][A-Za-z0-9_]*$/;
const twoPow32 = 2 ** 32;
// String.prototype.isWellFormed (node 20+) is native; without it every entry takes the general path.
const nativeIsWellFormed = (String.prototype as { isWellFormed?: () => boolean }).isWellFormed;

/**
 * Writes the canonical encoding of `entry` into `scratch` and returns its length, or -1 when the
 * entry is not one the fast path takes (the caller then encodes it with CanonicalWriter, which
 * also produces the precise error for an invalid one). Synchronous, so sharing `scratch` is safe.
 */
function encodeEntryFast(entry: AnchorEntry): number {
  // The tag and its length prefix were written once, at load, and nothing overwrites them.
  let offset = tagEnd;
  if (!fastUnsigned(entry.sequence)) return -1;
  scratchView.setBigUint64(offset, entry.sequence);
  offset += 8;
  offset = fastString(entry.commandId, entryIdBytesMax, offset, false);
  if (offset < 0) return -1;
  offset = fastString(entry.kind, entryKindBytesMax, offset, false);
  if (offset < 0) return -1;
  offset = fastString(entry.debit, entryIdBytesMax, offset, false);
  if (offset < 0) return -1;
  offset = fastString(entry.credit, entryIdBytesMax, offset, false);
  if (offset < 0) return -1;
  if (!fastUnsigned(entry.amount)) return -1;
  scratchView.setBigUint64(offset, entry.amount);
  offset += 8;
  if (entry.batchId === undefined) {
    scratch[offset++] = 0;
  } else {
    if (!fastUnsigned(entry.batchId)) return -1;
    scratch[offset++] = 1;
    scratchView.setBigUint64(offset, entry.batchId);
    offset += 8;
  }
  const committedAt = entry.committedAt;
  if (!Number.isSafeInteger(committedAt) || committedAt < 0) return -1;
  scratchView.setUint32(offset, Math.floor(committedAt / twoPow32));
  scratchView.setUint32(offset + 4, committedAt >>> 0);
  offset += 8;
  const attributes = entry.attributes ?? {};
  if (attributes === null || typeof attributes !== 'object' || Array.isArray(attributes)) return -1;
  const keys = Object.keys(attributes);
  if (keys.length > canonicalFieldsCountMax) return -1;
  // Keys are ASCII identifiers, so the default sort is the byte order, as in CanonicalWriter.fields.
  if (keys.length > 1) keys.sort();
  scratchView.setUint32(offset, keys.length);
  offset += 4;
  for (const key of keys) {
    const value = attributes[key];
    if (typeof value !== 'string' || key.length > canonicalFieldKeyBytesMax || !fieldKeyPattern.test(key)) return -1;
    offset = fastString(key, canonicalFieldKeyBytesMax, offset, true);
    if (offset < 0) return -1;
    scratch[offset++] = canonicalValueType.string;
    offset = fastString(value, canonicalFieldStringBytesMax, offset, true);
    if (offset < 0) return -1;
  }
  return offset;
}

function fastUnsigned(value: unknown): value is bigint {
  return typeof value === 'bigint' && value >= 0n && value <= canonicalUnsignedMax;
}

/** A u32 length prefix and the UTF-8 bytes at `offset`; the next offset, or -1 to fall back. */
function fastString(value: unknown, bytesMax: number, offset: number, emptyAllowed: boolean): number {
  if (typeof value !== 'string' || (value.length === 0 && !emptyAllowed)) return -1;
  const length = value.length;
  // UTF-8 takes at most 3 bytes per UTF-16 code unit: check the room before writing.
  if (offset + 4 + 3 * length > scratchBytes) return -1;
  // Ids, kinds and accounts are ASCII: copied a code unit at a time, which beats Buffer#write's
  // call overhead on strings this short. Anything else is checked and written as UTF-8 by node.
  let position = offset + 4;
  let index = 0;
  for (; index < length; index++) {
    const code = value.charCodeAt(index);
    if (code >= 0x80) break;
    scratch[position++] = code;
  }
  if (index < length) {
    if (nativeIsWellFormed === undefined || !nativeIsWellFormed.call(value)) return -1;
    position = offset + 4 + scratch.write(value, offset + 4, 'utf8');
  }
  const written = position - offset - 4;
  if (written > bytesMax) return -1;
  scratchView.setUint32(offset, written);
  return position;
}
