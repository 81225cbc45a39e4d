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
import { CanonicalFields, CanonicalWriter } from '@cbdc/crypto';
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
  return sha256(encodeEntry(entry));
}
