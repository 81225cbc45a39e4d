// Proves sparse blocks (sequence holes left by rolled-back ledger transactions) verify and still catch tampering, that the wire form round-trips, and that an entry's inclusion proof is checked against the signed, endorsed header.
import { createHash } from 'node:crypto';
import { publicKeyFromPrivateKey } from '@cbdc/crypto';
import { blockToWire, entryToWire, leafHashesFromHex, verifyEntryProof, blockFromWire } from './anchor-wire';
import { blockHash, BlockHeader, buildBlockHeader, endorseBlockHeader, genesisPreviousHash, signBlockHeader } from './block-header';
import { SignedBlock, verifyChain } from './chain-verification';
import { AnchorEntry, entryHash } from './entry-encoding';
import { buildMerkleTree } from './merkle-tree';

const keyFrom = (label: string): Uint8Array => Uint8Array.from(createHash('sha256').update(label).digest());
const centralBankKey = keyFrom('wire central bank');
const operatorPrivateKeys = new Map(['bank-a', 'bank-b'].map((id) => [id, keyFrom(`wire ${id}`)]));
const options = {
  centralBankPublicKey: publicKeyFromPrivateKey(centralBankKey),
  operatorKeys: new Map([...operatorPrivateKeys].map(([id, key]) => [id, publicKeyFromPrivateKey(key)])),
  sparseSequences: true,
};

const entry = (sequence: bigint): AnchorEntry => ({
  sequence,
  commandId: `cmd-${sequence}`,
  kind: 'ledger.payment',
  debit: 'wallet:a',
  credit: 'wallet:b',
  amount: 10n * sequence,
  batchId: 7n,
  committedAt: 1_767_225_600_000,
  attributes: { operatorId: 'bank-a' },
});

function seal(header: BlockHeader, entries: AnchorEntry[]): SignedBlock {
  return {
    header,
    centralBankSignature: signBlockHeader(header, centralBankKey),
    endorsements: [...operatorPrivateKeys].map(([id, key]) => endorseBlockHeader(header, id, key)),
    entries,
  };
}

/** Two sparse blocks: 1..5 holding 1, 2, 5 and 6..9 holding 7, 9. */
function sparseChain(): SignedBlock[] {
  const first = [1n, 2n, 5n].map(entry);
  const second = [7n, 9n].map(entry);
  const h0 = buildBlockHeader({ height: 0n, previousHash: genesisPreviousHash, firstSequence: 1n, lastSequence: 5n, entryHashes: first.map(entryHash), sealedAt: 1 });
  const h1 = buildBlockHeader({ height: 1n, previousHash: blockHash(h0), firstSequence: 6n, lastSequence: 9n, entryHashes: second.map(entryHash), sealedAt: 2 });
  return [seal(h0, first), seal(h1, second)];
}

describe('sparse blocks', () => {
  it('verify when ranges tile the sequence space and each ends on an entry', () => {
    expect(verifyChain(sparseChain(), options)).toEqual([]);
  });

  it('are refused by the default gap-free rule', () => {
    expect(verifyChain(sparseChain(), { ...options, sparseSequences: false }).map((p) => p.code)).toContain('ENTRY_RANGE_INVALID');
  });

  it('catch an entry moved into a hole, a deleted last entry, and a range that cannot hold its count', () => {
    const moved = sparseChain();
    moved[0] = { ...moved[0], entries: [entry(1n), entry(3n), entry(5n)] };
    expect(verifyChain(moved, options).map((p) => p.code)).toEqual(['MERKLE_ROOT_MISMATCH']);
    const deleted = sparseChain();
    deleted[1] = { ...deleted[1], entries: [entry(7n)] };
    expect(verifyChain(deleted, options).map((p) => p.code)).toEqual(['ENTRY_COUNT_MISMATCH', 'ENTRY_SEQUENCE_MISMATCH', 'MERKLE_ROOT_MISMATCH']);
    expect(() => buildBlockHeader({ height: 0n, previousHash: genesisPreviousHash, firstSequence: 1n, lastSequence: 1n, entryHashes: [entryHash(entry(1n)), entryHash(entry(2n))], sealedAt: 0 })).toThrow(RangeError);
  });
});

describe('wire form and entry proofs', () => {
  it('round-trips a block', () => {
    const [block] = sparseChain();
    const back = blockFromWire(JSON.parse(JSON.stringify(blockToWire(block))));
    expect(verifyChain([back], options)).toEqual([]);
    expect(back.entries).toEqual(block.entries);
  });

  it('accepts an honest proof and names each kind of bad one', () => {
    const [block] = sparseChain();
    const entries = block.entries as AnchorEntry[];
    const tree = buildMerkleTree(entries.map(entryHash));
    const wireBlock = blockToWire({ ...block, entries: undefined });
    const proof = { entry: entryToWire(entries[2]), index: 2, proof: tree.proof(2).map((n) => Buffer.from(n).toString('hex')), block: wireBlock };
    const keys = { centralBankPublicKey: options.centralBankPublicKey, operatorKeys: options.operatorKeys, quorum: 2 };
    expect(verifyEntryProof(proof, keys)).toEqual([]);
    const codes = (value: unknown, quorum = 2): string[] => verifyEntryProof(value, { ...keys, quorum }).map((p) => p.code);
    expect(codes({ ...proof, entry: { ...proof.entry, amount: '1' } })).toEqual(['NOT_INCLUDED']);
    expect(codes({ ...proof, index: 1 })).toEqual(['NOT_INCLUDED']);
    expect(codes({ ...proof, block: { ...wireBlock, endorsements: wireBlock.endorsements.slice(1) } })).toEqual(['BELOW_QUORUM']);
    expect(codes({ ...proof, block: { ...wireBlock, centralBankSignature: '00'.repeat(64) } })).toEqual(['BAD_CENTRAL_BANK_SIGNATURE']);
    expect(codes({ ...proof, index: 'x' })).toEqual(['MALFORMED_PROOF']);
  });
});

describe('leafHashesFromHex', () => {
  it('decodes each leaf to its 32 bytes, and refuses a short, long or non-hex one', () => {
    const leaves = [1n, 2n, 5n].map((s) => entryHash(entry(s)));
    const decoded = leafHashesFromHex(leaves.map((l) => Buffer.from(l).toString('hex')));
    expect(decoded?.map((l) => Buffer.from(l).toString('hex'))).toEqual(leaves.map((l) => Buffer.from(l).toString('hex')));
    expect(leafHashesFromHex([])).toEqual([]);
    expect(leafHashesFromHex(['ab'.repeat(31)])).toBeUndefined();
    expect(leafHashesFromHex(['ab'.repeat(33)])).toBeUndefined();
    expect(leafHashesFromHex(['ab'.repeat(31) + 'zz'])).toBeUndefined();
  });
});
