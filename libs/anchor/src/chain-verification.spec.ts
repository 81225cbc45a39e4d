// Proves verifyChain passes an honest chain and names the height and kind of every tampering: changed, deleted or inserted entries, swapped or deleted blocks, rewritten headers, forged or missing endorsements.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { publicKeyFromPrivateKey, sign } from '@cbdc/crypto';
import { blockHash, BlockHeader, buildBlockHeader, endorseBlockHeader, genesisPreviousHash, signBlockHeader } from './block-header';
import { ChainProblem, quorumDefault, SignedBlock, verifyChain } from './chain-verification';
import { AnchorEntry, entryHash } from './entry-encoding';
import { buildMerkleTree, verifyInclusion } from './merkle-tree';

const keyFrom = (label: string): Uint8Array => Uint8Array.from(createHash('sha256').update(label).digest());
const centralBankKey = keyFrom('test central bank');
const operatorPrivateKeys = new Map(['bank-a', 'bank-b', 'bank-c'].map((id) => [id, keyFrom(`test ${id}`)]));
const options = {
  centralBankPublicKey: publicKeyFromPrivateKey(centralBankKey),
  operatorKeys: new Map([...operatorPrivateKeys].map(([id, key]) => [id, publicKeyFromPrivateKey(key)])),
};
const sealedAtStart = 1_767_225_600_000;

function makeEntry(sequence: bigint): AnchorEntry {
  return {
    sequence,
    commandId: `cmd-${sequence}`,
    kind: 'payment',
    debit: `wallet:w${sequence}`,
    credit: `wallet:w${sequence + 1n}`,
    amount: 100n * sequence,
    batchId: sequence / 3n,
    committedAt: sealedAtStart + Number(sequence),
  };
}

/** Signs a header and collects endorsements from the named operators. */
function seal(header: BlockHeader, entries: AnchorEntry[], endorsers: readonly string[] = [...operatorPrivateKeys.keys()]): SignedBlock {
  return {
    header,
    centralBankSignature: signBlockHeader(header, centralBankKey),
    endorsements: endorsers.map((id) => endorseBlockHeader(header, id, operatorPrivateKeys.get(id) as Uint8Array)),
    entries,
  };
}

/** An honest chain from genesis with the given number of entries per block. */
function buildChain(entriesPerBlock: readonly number[] = [3, 1, 4, 2, 5]): SignedBlock[] {
  const blocks: SignedBlock[] = [];
  let previousHash = genesisPreviousHash;
  let nextSequence = 1n;
  entriesPerBlock.forEach((count, height) => {
    const entries = Array.from({ length: count }, (_, i) => makeEntry(nextSequence + BigInt(i)));
    const header = buildBlockHeader({ height: BigInt(height), previousHash, firstSequence: nextSequence, entryHashes: entries.map(entryHash), sealedAt: sealedAtStart + height * 1000 });
    blocks.push(seal(header, entries));
    previousHash = blockHash(header);
    nextSequence += BigInt(count);
  });
  return blocks;
}

/** The problems as "height:CODE" (with the operator where there is one), to compare whole reports. */
const summary = (problems: ChainProblem[]): string[] => problems.map((p) => `${p.height}:${p.code}${p.operatorId === undefined ? '' : `:${p.operatorId}`}`);

describe('an honest chain', () => {
  it('has no problems, with and without entries', () => {
    const chain = buildChain();
    expect(verifyChain(chain, options)).toEqual([]);
    expect(verifyChain(chain.map(({ entries: _entries, ...block }) => block), options)).toEqual([]);
  });

  it('verifies a tail after a trusted block, and a proposal without endorsements at quorum 0', () => {
    const chain = buildChain();
    const after = { height: chain[1].header.height, hash: blockHash(chain[1].header), lastSequence: chain[1].header.lastSequence };
    expect(verifyChain(chain.slice(2), { ...options, after })).toEqual([]);
    const proposal = { ...chain[2], endorsements: [] };
    expect(verifyChain([proposal], { ...options, after, quorum: 0 })).toEqual([]);
    expect(summary(verifyChain([proposal], { ...options, after }))).toEqual(['2:BELOW_QUORUM']);
  });

  it('gives every entry an inclusion proof against its block header', () => {
    for (const block of buildChain()) {
      const hashes = (block.entries as AnchorEntry[]).map(entryHash);
      const tree = buildMerkleTree(hashes);
      hashes.forEach((hash, index) => expect(verifyInclusion(hash, index, block.header.entryCount, tree.proof(index), block.header.merkleRoot)).toBe(true));
    }
  });
});

describe('tampering with entries', () => {
  it('an amount changed after sealing: root mismatch at that height only', () => {
    const chain = buildChain();
    const entries = [...(chain[2].entries as AnchorEntry[])];
    entries[1] = { ...entries[1], amount: entries[1].amount + 1n };
    chain[2] = { ...chain[2], entries };
    expect(summary(verifyChain(chain, options))).toEqual(['2:MERKLE_ROOT_MISMATCH']);
  });

  it('any single changed amount anywhere is found at its height', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 6 }), fc.nat(), fc.nat(), fc.bigInt({ min: 1n, max: 1000n }), (shape, rawBlock, rawEntry, delta) => {
        const chain = buildChain(shape);
        const target = rawBlock % chain.length;
        const entries = [...(chain[target].entries as AnchorEntry[])];
        const index = rawEntry % entries.length;
        entries[index] = { ...entries[index], amount: entries[index].amount + delta };
        chain[target] = { ...chain[target], entries };
        expect(summary(verifyChain(chain, options))).toEqual([`${target}:MERKLE_ROOT_MISMATCH`]);
      }),
      { numRuns: 30 },
    );
  });

  it('an entry deleted: count, sequence and root all disagree', () => {
    const chain = buildChain();
    chain[2] = { ...chain[2], entries: (chain[2].entries as AnchorEntry[]).filter((_, i) => i !== 1) };
    expect(summary(verifyChain(chain, options))).toEqual(['2:ENTRY_COUNT_MISMATCH', '2:ENTRY_SEQUENCE_MISMATCH', '2:MERKLE_ROOT_MISMATCH']);
  });

  it('an entry inserted at the end: count and root disagree', () => {
    const chain = buildChain();
    const entries = chain[2].entries as AnchorEntry[];
    chain[2] = { ...chain[2], entries: [...entries, makeEntry(entries[entries.length - 1].sequence + 1n)] };
    expect(summary(verifyChain(chain, options))).toEqual(['2:ENTRY_COUNT_MISMATCH', '2:MERKLE_ROOT_MISMATCH']);
  });

  it('two entries swapped inside a block: sequence and root disagree', () => {
    const chain = buildChain();
    const [first, second, ...rest] = chain[2].entries as AnchorEntry[];
    chain[2] = { ...chain[2], entries: [second, first, ...rest] };
    expect(summary(verifyChain(chain, options))).toEqual(['2:ENTRY_SEQUENCE_MISMATCH', '2:MERKLE_ROOT_MISMATCH']);
  });

  it('a malformed entry is reported, not thrown', () => {
    const chain = buildChain();
    const entries = [...(chain[1].entries as AnchorEntry[])];
    entries[0] = { ...entries[0], amount: -1n };
    chain[1] = { ...chain[1], entries };
    expect(summary(verifyChain(chain, options))).toEqual(['1:MALFORMED_ENTRY']);
  });
});

describe('tampering with blocks', () => {
  it('two blocks swapped: heights, links and sequence ranges break around them', () => {
    const chain = buildChain();
    [chain[2], chain[3]] = [chain[3], chain[2]];
    expect(summary(verifyChain(chain, options))).toEqual([
      '3:HEIGHT_GAP',
      '3:BROKEN_LINK',
      '3:SEQUENCE_GAP',
      '2:HEIGHT_GAP',
      '2:BROKEN_LINK',
      '2:SEQUENCE_GAP',
      '4:HEIGHT_GAP',
      '4:BROKEN_LINK',
      '4:SEQUENCE_GAP',
    ]);
  });

  it('a whole block deleted: the next one no longer links', () => {
    const chain = buildChain();
    chain.splice(2, 1);
    expect(summary(verifyChain(chain, options))).toEqual(['3:HEIGHT_GAP', '3:BROKEN_LINK', '3:SEQUENCE_GAP']);
  });

  it('the genesis block deleted: the chain does not start at genesis', () => {
    const chain = buildChain().slice(1);
    expect(summary(verifyChain(chain, options))).toEqual(['1:HEIGHT_GAP', '1:BROKEN_LINK']);
  });

  it('a header rewritten with a recomputed root but the old signatures: every signature fails and the next block no longer links', () => {
    const chain = buildChain();
    const entries = [...(chain[2].entries as AnchorEntry[])];
    entries[0] = { ...entries[0], amount: 999_999n };
    const rewritten = buildBlockHeader({ height: 2n, previousHash: chain[2].header.previousHash, firstSequence: chain[2].header.firstSequence, entryHashes: entries.map(entryHash), sealedAt: chain[2].header.sealedAt });
    chain[2] = { ...chain[2], header: rewritten, entries };
    expect(summary(verifyChain(chain, options))).toEqual([
      '2:BAD_CENTRAL_BANK_SIGNATURE',
      '2:BAD_ENDORSEMENT_SIGNATURE:bank-a',
      '2:BAD_ENDORSEMENT_SIGNATURE:bank-b',
      '2:BAD_ENDORSEMENT_SIGNATURE:bank-c',
      '2:BELOW_QUORUM',
      '3:BROKEN_LINK',
    ]);
  });

  it('a header rewritten and re-signed by the central bank alone still lacks the operators’ endorsements', () => {
    const chain = buildChain();
    const entries = [...(chain[2].entries as AnchorEntry[])];
    entries[0] = { ...entries[0], amount: 999_999n };
    const rewritten = buildBlockHeader({ height: 2n, previousHash: chain[2].header.previousHash, firstSequence: chain[2].header.firstSequence, entryHashes: entries.map(entryHash), sealedAt: chain[2].header.sealedAt });
    chain[2] = { ...chain[2], header: rewritten, entries, centralBankSignature: signBlockHeader(rewritten, centralBankKey) };
    const codes = summary(verifyChain(chain, options));
    expect(codes).toContain('2:BELOW_QUORUM');
    expect(codes).toContain('3:BROKEN_LINK');
    expect(codes).not.toContain('2:BAD_CENTRAL_BANK_SIGNATURE');
  });

  it('a header whose range does not hold its entry count', () => {
    const chain = buildChain([2, 2]);
    const header = { ...chain[1].header, lastSequence: chain[1].header.lastSequence + 1n };
    chain[1] = { ...seal(header, chain[1].entries as AnchorEntry[]) };
    expect(summary(verifyChain(chain, options))).toEqual(['1:ENTRY_RANGE_INVALID']);
  });

  it('a central-bank signature made with another key', () => {
    const chain = buildChain();
    chain[1] = { ...chain[1], centralBankSignature: signBlockHeader(chain[1].header, keyFrom('impostor')) };
    expect(summary(verifyChain(chain, options))).toEqual(['1:BAD_CENTRAL_BANK_SIGNATURE']);
  });

  it('a malformed header is reported, and the block after it cannot be linked', () => {
    const chain = buildChain();
    chain[1] = { ...chain[1], header: { ...chain[1].header, previousHash: new Uint8Array(3) } };
    const problems = verifyChain(chain, options);
    expect(summary(problems)).toEqual(['1:MALFORMED_HEADER', '2:BROKEN_LINK']);
    expect(problems[0].position).toBe(1);
  });
});

describe('endorsements and quorum', () => {
  it('an endorsement forged with another key is named, and two honest ones still make quorum', () => {
    const chain = buildChain();
    const forged = { operatorId: 'bank-b', signature: endorseBlockHeader(chain[3].header, 'bank-b', keyFrom('impostor')).signature };
    chain[3] = { ...chain[3], endorsements: [chain[3].endorsements[0], forged, chain[3].endorsements[2]] };
    expect(summary(verifyChain(chain, options))).toEqual(['3:BAD_ENDORSEMENT_SIGNATURE:bank-b']);
  });

  it('an endorsement from an unknown operator is named and does not count', () => {
    const chain = buildChain();
    const stranger = endorseBlockHeader(chain[1].header, 'bank-z', keyFrom('test bank-z'));
    chain[1] = { ...chain[1], endorsements: [chain[1].endorsements[0], stranger] };
    expect(summary(verifyChain(chain, options))).toEqual(['1:UNKNOWN_ENDORSER:bank-z', '1:BELOW_QUORUM']);
  });

  it('below quorum: one endorsement of three operators', () => {
    const chain = buildChain();
    chain[4] = seal(chain[4].header, chain[4].entries as AnchorEntry[], ['bank-c']);
    expect(summary(verifyChain(chain, options))).toEqual(['4:BELOW_QUORUM']);
    expect(verifyChain(chain, { ...options, quorum: 1 })).toEqual([]);
    expect(summary(verifyChain(buildChain(), { ...options, quorum: 4 }))).toEqual(['0', '1', '2', '3', '4'].map((h) => `${h}:BELOW_QUORUM`));
  });

  it('one operator endorsing twice counts once', () => {
    const chain = buildChain();
    const twice = endorseBlockHeader(chain[0].header, 'bank-a', operatorPrivateKeys.get('bank-a') as Uint8Array);
    chain[0] = { ...chain[0], endorsements: [twice, twice] };
    expect(summary(verifyChain(chain, options))).toEqual(['0:DUPLICATE_ENDORSEMENT:bank-a', '0:BELOW_QUORUM']);
  });

  it('a raw signature over the block hash without the endorsement tag does not count', () => {
    const chain = buildChain();
    const untagged = { operatorId: 'bank-a', signature: sign(blockHash(chain[0].header), operatorPrivateKeys.get('bank-a') as Uint8Array) };
    chain[0] = { ...chain[0], endorsements: [untagged, chain[0].endorsements[1]] };
    expect(summary(verifyChain(chain, options))).toEqual(['0:BAD_ENDORSEMENT_SIGNATURE:bank-a', '0:BELOW_QUORUM']);
  });

  it('quorumDefault is a strict majority', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(quorumDefault)).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    expect(() => quorumDefault(-1)).toThrow(RangeError);
    expect(() => verifyChain([], { ...options, quorum: -1 })).toThrow(RangeError);
  });
});
