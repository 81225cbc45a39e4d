// Proves the Merkle tree is RFC 6962's: Certificate Transparency's published roots and proofs, a literal transliteration of the RFC for sizes 1..33, and proofs that break on any changed byte.
import fc from 'fast-check';
import { concatBytes, fromHex, toHex } from '@cbdc/crypto';
import { buildMerkleTree, emptyTreeRoot, inclusionProof, innerNodeHash, leafNodeHash, merkleRoot, verifyInclusion } from './merkle-tree';

// The leaves and tree heads of Certificate Transparency's reference tests (RFC 6962 test data).
const ctLeaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(fromHex);
const ctRoots = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
// Audit paths of CT's reference tests, with 0-based leaf indexes.
const ctProofs = [
  { index: 0, size: 8, path: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { index: 5, size: 8, path: ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { index: 2, size: 3, path: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  { index: 1, size: 5, path: ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'] },
];

/** RFC 6962 §2.1 MTH, transliterated: split at the largest power of two below n. */
function referenceRoot(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return emptyTreeRoot;
  if (leaves.length === 1) return leafNodeHash(leaves[0]);
  const k = largestPowerOfTwoBelow(leaves.length);
  return innerNodeHash(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

/** RFC 6962 §2.1.1 PATH(m, D[n]), transliterated. */
function referencePath(m: number, leaves: Uint8Array[]): Uint8Array[] {
  if (leaves.length <= 1) return [];
  const k = largestPowerOfTwoBelow(leaves.length);
  return m < k
    ? [...referencePath(m, leaves.slice(0, k)), referenceRoot(leaves.slice(k))]
    : [...referencePath(m - k, leaves.slice(k)), referenceRoot(leaves.slice(0, k))];
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

const leavesOf = (count: number): Uint8Array[] => Array.from({ length: count }, (_, i) => new TextEncoder().encode(`entry ${i}`));

describe('RFC 6962 test data', () => {
  it('gives the reference tree heads for 0..8 leaves', () => {
    ctRoots.forEach((root, size) => expect(toHex(merkleRoot(ctLeaves.slice(0, size)))).toBe(root));
  });

  it.each(ctProofs)('gives the reference audit path of leaf $index of $size', ({ index, size, path }) => {
    const proof = inclusionProof(ctLeaves.slice(0, size), index);
    expect(proof.map(toHex)).toEqual(path);
    expect(verifyInclusion(ctLeaves[index], index, size, proof, fromHex(ctRoots[size]))).toBe(true);
  });
});

describe('agreement with the RFC definitions for every size 1..33 and every index', () => {
  for (let size = 1; size <= 33; size++) {
    it(`size ${size}`, () => {
      const leaves = leavesOf(size);
      const root = merkleRoot(leaves);
      const tree = buildMerkleTree(leaves);
      expect(toHex(root)).toBe(toHex(referenceRoot(leaves)));
      expect(toHex(tree.root)).toBe(toHex(root));
      expect(tree.count).toBe(size);
      for (let index = 0; index < size; index++) {
        const proof = tree.proof(index);
        expect(proof.map(toHex)).toEqual(referencePath(index, leaves).map(toHex));
        expect(verifyInclusion(leaves[index], index, size, proof, root)).toBe(true);
        // The same proof must not pass for another position or another leaf. (The tree size is
        // not bound by the proof but by the signed block header that carries the root.)
        expect(verifyInclusion(leaves[index], (index + 1) % size, size, proof, root)).toBe(size === 1);
        expect(verifyInclusion(leaves[(index + 1) % size], index, size, proof, root)).toBe(size === 1);
      }
    });
  }
});

describe('tamper evidence', () => {
  it('fails when any byte of the leaf, of any proof node or of the root changes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), fc.constantFrom('leaf', 'proof', 'root'), (size, rawIndex, rawPosition, flip, part) => {
        const leaves = leavesOf(size);
        const index = rawIndex % size;
        const root = merkleRoot(leaves);
        const proof = inclusionProof(leaves, index).map((node) => node.slice());
        const leaf = leaves[index].slice();
        const rootCopy = root.slice();
        if (part === 'leaf') leaf[rawPosition % leaf.length] ^= flip;
        if (part === 'root') rootCopy[rawPosition % 32] ^= flip;
        if (part === 'proof') {
          if (proof.length === 0) return; // a one-leaf tree has no proof to alter
          proof[rawPosition % proof.length][Math.floor(rawPosition / proof.length) % 32] ^= flip;
        }
        expect(verifyInclusion(leaf, index, size, proof, rootCopy)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('fails for a proof with a node added or removed', () => {
    const leaves = leavesOf(13);
    const root = merkleRoot(leaves);
    const proof = inclusionProof(leaves, 6);
    expect(verifyInclusion(leaves[6], 6, 13, proof.slice(1), root)).toBe(false);
    expect(verifyInclusion(leaves[6], 6, 13, [...proof, root], root)).toBe(false);
  });

  it('keeps leaves and inner nodes apart (no second preimage from two leaf hashes joined)', () => {
    const [a, b] = leavesOf(2);
    const joined = concatBytes(leafNodeHash(a), leafNodeHash(b));
    expect(toHex(merkleRoot([joined]))).not.toBe(toHex(merkleRoot([a, b])));
  });

  it('does not duplicate an odd last leaf (CVE-2012-2459)', () => {
    const [a, b, c] = leavesOf(3);
    expect(toHex(merkleRoot([a, b, c]))).not.toBe(toHex(merkleRoot([a, b, c, c])));
  });

  it('rejects malformed inputs without throwing, and refuses out-of-range proof requests', () => {
    const leaves = leavesOf(4);
    const root = merkleRoot(leaves);
    const proof = inclusionProof(leaves, 1);
    expect(verifyInclusion(leaves[1], -1, 4, proof, root)).toBe(false);
    expect(verifyInclusion(leaves[1], 4, 4, proof, root)).toBe(false);
    expect(verifyInclusion(leaves[1], 1, 4, proof, root.subarray(1))).toBe(false);
    expect(verifyInclusion(leaves[1], 1, 4, [proof[0].subarray(1), proof[1]], root)).toBe(false);
    expect(() => inclusionProof(leaves, 4)).toThrow(RangeError);
    expect(() => buildMerkleTree([]).proof(0)).toThrow(RangeError);
    expect(toHex(buildMerkleTree([]).root)).toBe(ctRoots[0]);
  });
});
