// Proves the proposals built once per block are, for every operator, exactly the text encodeMessage gives for the same proposal, and parse with the contract.
import { anchorBlockProposalV1, encodeMessage, MessageRegistry, type MessageDefinition } from '@cbdc/contracts';
import { buildBlockHeader, entryHash, genesisPreviousHash, type AnchorEntry } from '@cbdc/anchor';
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
  ...(attributes === undefined ? {} : { attributes }),
});

function block(): ProposalBlock {
  const entries = [
    { entry: entry(1n, { operatorId: 'bank-a', note: '"quoted" \\ é' }), operators: new Set(['bank-a']) },
    { entry: entry(2n, { operatorId: 'bank-b', largeValue: 'true' }), operators: new Set(['bank-a', 'bank-b']) },
    { entry: entry(4n), operators: new Set(['bank-b']) },
  ];
  const leafHashes = entries.map((e) => entryHash(e.entry));
  const header = buildBlockHeader({ height: 0n, previousHash: genesisPreviousHash, firstSequence: 1n, lastSequence: 4n, entryHashes: leafHashes, sealedAt: 1_767_225_601_000 });
  return { header, centralBankSignature: new Uint8Array(64).fill(7), centralBankPublicKeyHex: 'ab'.repeat(32), leafHashes, entries };
}

describe('ProposalEncoder', () => {
  it('gives each operator the text encodeMessage gives, which the contract parses', () => {
    const parts = block();
    const encoder = new ProposalEncoder(parts);
    const registry = new MessageRegistry([anchorBlockProposalV1] as MessageDefinition<unknown>[]);
    for (const operatorId of ['bank-a', 'bank-b', 'bank-c']) {
      const text = encoder.encodeFor(operatorId);
      expect(text).toBe(encodeMessage(anchorBlockProposalV1, proposalFor(parts, operatorId)));
      expect(registry.decode(text).body).toEqual(proposalFor(parts, operatorId));
    }
  });

  it('sends an operator only the entries that concern it, at their leaf index', () => {
    const encoder = new ProposalEncoder(block());
    const indexes = (operatorId: string): number[] => (JSON.parse(encoder.encodeFor(operatorId)) as { entries: { index: number }[] }).entries.map((e) => e.index);
    expect(indexes('bank-a')).toEqual([0, 1]);
    expect(indexes('bank-b')).toEqual([1, 2]);
    expect(indexes('bank-c')).toEqual([]);
  });
});
