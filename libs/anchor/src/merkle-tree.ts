// SHA-256 Merkle trees over entry hashes, shaped exactly as RFC 6962 §2.1 (Certificate
// Transparency), so any CT tooling or a few lines in another language can check our proofs.
//
// - leaf node  = SHA-256(0x00 || leaf data)  (the leaf data is an entry hash)
// - inner node = SHA-256(0x01 || left || right)
// - n leaves split at the largest power of two below n; an odd node is carried up unpaired,
//   never duplicated.
// The distinct prefixes stop an inner node from passing for a leaf (second preimage), and not
// duplicating the last node stops two different leaf lists from sharing a root (the flaw of
// Bitcoin's tree, CVE-2012-2459).
// The tree is built bottom-up, pairing neighbours and carrying an odd last node up a level:
// that yields the same nodes as RFC 6962's top-down split (merkle-tree.spec.ts checks it against
// a transliteration of the RFC), with no recursion.
import { sha256, hashBytes } from './sha256';

/** Root of a tree without leaves (RFC 6962): SHA-256 of the empty string. */
export const emptyTreeRoot: Uint8Array = sha256(new Uint8Array(0));
/** Longest proof accepted: a tree of 2^64 leaves needs 64 nodes, so a longer proof is forged. */
export const inclusionProofLengthMax = 64;

const innerScratch = new Uint8Array(1 + 2 * hashBytes);
innerScratch[0] = 0x01;
// Leaves are entry hashes (32 bytes) on every hot path; they are hashed from a reused buffer,
// like inner nodes, rather than from a new one each (docs/decisions/0016-cheaper-sealing.md).
const leafScratch = new Uint8Array(1 + hashBytes);
leafScratch[0] = 0x00;

/** SHA-256(0x00 || leaf). */
export function leafNodeHash(leaf: Uint8Array): Uint8Array {
  if (leaf.length === hashBytes) {
    // Safe to share for the same reason as innerScratch below.
    leafScratch.set(leaf, 1);
    return sha256(leafScratch);
  }
  const input = new Uint8Array(1 + leaf.length);
  input[0] = 0x00;
  input.set(leaf, 1);
  return sha256(input);
}

/** SHA-256(0x01 || left || right). */
export function innerNodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== hashBytes || right.length !== hashBytes) {
    throw new TypeError(`Merkle nodes are ${hashBytes} bytes`);
  }
  // The scratch buffer is safe to share: hashing is synchronous and copies nothing out of it.
  innerScratch.set(left, 1);
  innerScratch.set(right, 1 + hashBytes);
  return sha256(innerScratch);
}

/** A built tree: its root, and inclusion proofs for any leaf without rehashing. */
export class MerkleTree {
  private constructor(private readonly levels: readonly Uint8Array[][]) {}

  /** Builds all levels; leaves are entry hashes (or any leaf data), in order. */
  static build(leaves: readonly Uint8Array[]): MerkleTree {
    let level = leaves.map(leafNodeHash);
    const levels = [level];
    while (level.length > 1) {
      const next: Uint8Array[] = [];
      for (let i = 0; i + 1 < level.length; i += 2) next.push(innerNodeHash(level[i], level[i + 1]));
      if (level.length % 2 === 1) next.push(level[level.length - 1]);
      levels.push(next);
      level = next;
    }
    return new MerkleTree(levels);
  }

  get count(): number {
    return this.levels[0].length;
  }

  get root(): Uint8Array {
    const top = this.levels[this.levels.length - 1];
    return top.length === 0 ? emptyTreeRoot : top[0];
  }

  /** The audit path of leaf `index`, from the leaf's sibling up to the root's child (RFC 6962 PATH). */
  proof(index: number): Uint8Array[] {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.count) {
      throw new RangeError(`leaf index ${index} outside 0..${this.count - 1}`);
    }
    const path: Uint8Array[] = [];
    let position = index;
    for (let depth = 0; depth < this.levels.length - 1; depth++) {
      const level = this.levels[depth];
      const sibling = position ^ 1;
      // No sibling: the node is carried up unpaired and adds nothing to the path.
      if (sibling < level.length) path.push(level[sibling]);
      position >>>= 1;
    }
    return path;
  }
}

/** Builds a tree to answer several proofs; prefer it to repeated `inclusionProof` calls. */
export function buildMerkleTree(leaves: readonly Uint8Array[]): MerkleTree {
  return MerkleTree.build(leaves);
}

/** The RFC 6962 Merkle tree hash of the leaves. */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return emptyTreeRoot;
  // Same bottom-up pairing as MerkleTree.build, keeping only the current level.
  let level = leaves.map(leafNodeHash);
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(innerNodeHash(level[i], level[i + 1]));
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    level = next;
  }
  return level[0];
}

/** The audit path of leaf `index` among `leaves`. */
export function inclusionProof(leaves: readonly Uint8Array[], index: number): Uint8Array[] {
  return MerkleTree.build(leaves).proof(index);
}

/**
 * Whether `leaf` (the leaf data: an entry hash) is leaf `index` of a tree of `count` leaves
 * with this root. RFC 9162 §2.1.3.2; false (never an exception) for any malformed input.
 */
export function verifyInclusion(leaf: Uint8Array, index: number, count: number, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count) || index < 0 || index >= count) return false;
  if (!Array.isArray(proof) || proof.length > inclusionProofLengthMax || root.length !== hashBytes) return false;
  let fn = index;
  let sn = count - 1;
  let node = leafNodeHash(leaf);
  for (const sibling of proof) {
    if (sn === 0 || !(sibling instanceof Uint8Array) || sibling.length !== hashBytes) return false;
    if (fn % 2 === 1 || fn === sn) {
      node = innerNodeHash(sibling, node);
      // Skip the levels where this node was carried up unpaired.
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      node = innerNodeHash(node, sibling);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) return false;
  for (let i = 0; i < hashBytes; i++) {
    if (node[i] !== root[i]) return false;
  }
  return true;
}
