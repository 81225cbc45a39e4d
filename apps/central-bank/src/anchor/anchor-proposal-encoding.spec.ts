// Proves the binary proposals built once per block are, for every operator, exactly the bytes the v2 contract encodes for the same proposal, that they decode with the contract, and that each operator gets only its own entries at their leaf index.
import { anchorBinaryMessages, anchorBlockProposalV2, BinaryMessageRegistry, type AnchorBlockProposalV2 } from '@cbdc/contracts';
import { buildBlockHeader, decodeBlockHeader, decodeEntry, entryEncoding, entryHash, genesisPreviousHash, type AnchorEntry } from '@cbdc/anchor';
import { ProposalEncoder, proposalFor, type ProposalBlock } from './anchor-proposal-encoding';

const entry = (sequence: bigint, attributes?: Record<string, string>): AnchorEntry => ({
  sequence,
  commandId: `pay-${sequence}`,
  kind: 'ledger.payment',
  debit: `wallet:w${sequence}`,
  credit: 'vault:bank-a',
  amount: 100n * sequence,
  batchId: 3n,
  committedAt: 1_767_225_600_000 + Number(sequence),
  attributes: attributes ?? {},
});

const entries = [
  { entry: entry(1n, { operatorId: 'bank-a', note: '"quoted" \\ é' }), operators: new Set(['bank-a']) },
  { entry: entry(2n, { operatorId: 'bank-b', largeValue: 'true' }), operators: new Set(['bank-a', 'bank-b']) },
  { entry: entry(4n), operators: new Set(['bank-b']) },
];

function block(): ProposalBlock {
  const leafHashes = entries.map((e) => entryHash(e.entry));
  const header = buildBlockHeader({ height: 0n, previousHash: genesisPreviousHash, firstSequence: 1n, lastSequence: 4n, entryHashes: leafHashes, sealedAt: 1_767_225_601_000 });
  return {
    header,
    centralBankSignature: new Uint8Array(64).fill(7),
    centralBankPublicKey: new Uint8Array(32).fill(0xab),
    leafHashes,
    entries: entries.map((e) => ({ encoded: entryEncoding(e.entry), operators: e.operators })),
  };
}

const registry = new BinaryMessageRegistry([...anchorBinaryMessages] as never);

describe('ProposalEncoder (anchor.block-proposal v2)', () => {
  it('gives each operator the bytes the contract encodes, which the contract decodes', () => {
    const parts = block();
    const encoder = new ProposalEncoder(parts);
    for (const operatorId of ['bank-a', 'bank-b', 'bank-c']) {
      const bytes = encoder.encodeFor(operatorId);
      expect(Buffer.from(bytes).toString('hex')).toBe(Buffer.from(anchorBlockProposalV2.encode(proposalFor(parts, operatorId))).toString('hex'));
      const body = registry.decode(bytes).body as AnchorBlockProposalV2;
      expect(body.operatorId).toBe(operatorId);
      expect(decodeBlockHeader(body.header)).toEqual(parts.header);
    }
  });

  it('sends an operator only the entries that concern it, at their leaf index, as entries that decode', () => {
    const encoder = new ProposalEncoder(block());
    const mine = (operatorId: string): AnchorBlockProposalV2['entries'] => (registry.decode(encoder.encodeFor(operatorId)).body as AnchorBlockProposalV2).entries;
    expect(mine('bank-a').map((e) => e.index)).toEqual([0, 1]);
    expect(mine('bank-b').map((e) => e.index)).toEqual([1, 2]);
    expect(mine('bank-c')).toEqual([]);
    expect(mine('bank-b').map((e) => decodeEntry(e.entry))).toEqual([entries[1]!.entry, entries[2]!.entry]);
  });

  it('carries a full block of 400 entries in under 300 bytes an entry', () => {
    const many = Array.from({ length: 400 }, (_, i) => ({ entry: entry(BigInt(i + 1), { factsSha256: 'ab'.repeat(32), operatorId: 'bank-a' }), operators: new Set(['bank-a']) }));
    const leafHashes = many.map((e) => entryHash(e.entry));
    const header = buildBlockHeader({ height: 0n, previousHash: genesisPreviousHash, firstSequence: 1n, entryHashes: leafHashes, sealedAt: 1 });
    const encoder = new ProposalEncoder({ header, centralBankSignature: new Uint8Array(64), centralBankPublicKey: new Uint8Array(32), leafHashes, entries: many.map((e) => ({ encoded: entryEncoding(e.entry), operators: e.operators })) });
    const bytes = encoder.encodeFor('bank-a').length;
    expect(bytes).toBeLessThan(400 * 300);
  });
});
