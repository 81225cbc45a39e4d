// Proves a bank endorses a proposal only when the central bank signed it, it follows the replica's last block, its leaves make the header's root, and every entry about the bank's wallets agrees with the bank's books both ways; and that it waits while its books are behind.
import { createHash } from 'node:crypto';
import { blockHash, buildBlockHeader, entryHash, entryToWire, genesisPreviousHash, headerToWire, signBlockHeader, type AnchorEntry } from '@cbdc/anchor';
import type { AnchorBlockProposalV1 } from '@cbdc/contracts';
import { publicKeyFromPrivateKey, toHex } from '@cbdc/crypto';
import { decideEndorsement, type BankKnowledge } from './endorsement-decision';

const centralBankKey = Uint8Array.from(createHash('sha256').update('decision central bank').digest());
const centralBankPublicKey = publicKeyFromPrivateKey(centralBankKey);

const entry = (sequence: bigint, kind: string, debit: string, credit: string, amount: bigint, commandId = `cmd-${sequence}`): AnchorEntry => ({
  sequence,
  commandId,
  kind,
  debit,
  credit,
  amount,
  batchId: 9n,
  committedAt: 1_767_225_600_000,
  attributes: {},
});

// Block 0 covers 1..4 (3 is a hole): a load to our wallet w1, someone else's payment, a payment to w1.
const entries = [
  entry(1n, 'ledger.load', 'vault:bank-a', 'wallet:w1', 500n, 'load-1'),
  entry(2n, 'ledger.payment', 'wallet:x', 'wallet:y', 70n),
  entry(4n, 'ledger.payment', 'wallet:x', 'wallet:w1', 30n, 'pay-4'),
];
const header = buildBlockHeader({ height: 0n, previousHash: genesisPreviousHash, firstSequence: 1n, lastSequence: 4n, entryHashes: entries.map(entryHash), sealedAt: 5 });

function proposal(overrides: Partial<AnchorBlockProposalV1> = {}): AnchorBlockProposalV1 {
  return {
    operatorId: 'bank-a',
    centralBankPublicKey: toHex(centralBankPublicKey),
    header: headerToWire(header),
    centralBankSignature: toHex(signBlockHeader(header, centralBankKey)),
    leafHashes: entries.map((e) => toHex(entryHash(e))),
    entries: [
      { index: 0, entry: entryToWire(entries[0]!) },
      { index: 2, entry: entryToWire(entries[2]!) },
    ],
    ...overrides,
  };
}

function knowledge(overrides: Partial<BankKnowledge> = {}): BankKnowledge {
  return {
    centralBankPublicKey,
    previous: undefined,
    ourWallets: new Set(['w1']),
    records: [
      { sequence: 1n, walletId: 'w1', side: 'credit', amount: 500n },
      { sequence: 4n, walletId: 'w1', side: 'credit', amount: 30n },
    ],
    requests: new Map([['load-1', { status: 'accepted' as const, sequence: 1n }]]),
    creditBatchesApplied: new Set([9n]),
    ...overrides,
  };
}

const outcome = (decision: ReturnType<typeof decideEndorsement>): string => (decision.verdict === 'refuse' ? decision.code : decision.verdict);

describe('decideEndorsement', () => {
  it('endorses an honest proposal that agrees with our books', () => {
    const decision = decideEndorsement(proposal(), knowledge());
    expect(outcome(decision)).toBe('endorse');
    if (decision.verdict === 'endorse') expect(toHex(decision.blockHash)).toBe(toHex(blockHash(header)));
  });

  it('refuses another central-bank key, a bad signature, and a block that does not follow ours', () => {
    expect(outcome(decideEndorsement(proposal({ centralBankPublicKey: '00'.repeat(32) }), knowledge()))).toBe('KEY_MISMATCH');
    expect(outcome(decideEndorsement(proposal({ centralBankSignature: '00'.repeat(64) }), knowledge()))).toBe('BAD_SIGNATURE');
    const previous = { height: 4n, hash: new Uint8Array(32).fill(7), lastSequence: 0n };
    expect(outcome(decideEndorsement(proposal(), knowledge({ previous })))).toBe('BROKEN_LINK');
  });

  it('refuses leaves that do not make the root, and an entry of ours that is not its leaf', () => {
    expect(outcome(decideEndorsement(proposal({ leafHashes: proposal().leafHashes.slice(1) }), knowledge()))).toBe('ROOT_MISMATCH');
    const changed = proposal();
    changed.entries[1] = { index: 2, entry: { ...changed.entries[1]!.entry, amount: '31' } };
    expect(outcome(decideEndorsement(changed, knowledge()))).toBe('ENTRY_NOT_INCLUDED');
  });

  it('refuses when our books disagree, or hold an entry the proposal omits', () => {
    const records = [
      { sequence: 1n, walletId: 'w1', side: 'credit' as const, amount: 499n },
      { sequence: 4n, walletId: 'w1', side: 'credit' as const, amount: 30n },
    ];
    expect(outcome(decideEndorsement(proposal(), knowledge({ records })))).toBe('ENTRY_MISMATCH');
    const omitted = proposal({ entries: proposal().entries.slice(0, 1) });
    expect(outcome(decideEndorsement(omitted, knowledge()))).toBe('ENTRY_MISSING');
  });

  it('refuses a load of our wallet we never asked for, and waits while our books are behind', () => {
    const unrecorded = knowledge({ records: [{ sequence: 4n, walletId: 'w1', side: 'credit', amount: 30n }] });
    expect(outcome(decideEndorsement(proposal(), { ...unrecorded, requests: new Map() }))).toBe('ENTRY_NOT_IN_BOOKS');
    expect(outcome(decideEndorsement(proposal(), { ...unrecorded, requests: new Map([['load-1', { status: 'pending', sequence: null }]]) }))).toBe('wait');
    const creditsBehind = knowledge({ records: [{ sequence: 1n, walletId: 'w1', side: 'credit', amount: 500n }], creditBatchesApplied: new Set() });
    expect(outcome(decideEndorsement(proposal(), creditsBehind))).toBe('wait');
    expect(outcome(decideEndorsement(proposal(), { ...creditsBehind, creditBatchesApplied: new Set([9n]) }))).toBe('ENTRY_NOT_IN_BOOKS');
  });
});
