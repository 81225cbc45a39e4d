// Proves a bank endorses a proposal only when the central bank signed it, it follows the replica's last block, its leaves make the header's root, and every entry about the bank's wallets agrees with the bank's books both ways; that it waits while its books are behind; that a missing previous block is told apart from a broken link; and that a proposal decides alike whether it came as JSON v1 or binary v2.
import { createHash } from 'node:crypto';
import {
  blockHash,
  buildBlockHeader,
  encodeBlockHeader,
  encodeEntry,
  entryFromWire,
  entryHash,
  entryToWire,
  genesisPreviousHash,
  headerFromWire,
  headerToWire,
  signBlockHeader,
  type AnchorEntry,
} from '@cbdc/anchor';
import { anchorBinaryMessages, anchorBlockProposalV2, BinaryMessageRegistry, type AnchorBlockProposalV1, type AnchorBlockProposalV2 } from '@cbdc/contracts';
import { fromHex, publicKeyFromPrivateKey, toHex } from '@cbdc/crypto';
import { decideEndorsement, type BankKnowledge } from './endorsement-decision';
import { readProposalV1, readProposalV2, type ReceivedProposal } from './received-proposal';

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

/** The same proposal as the central bank sends it now: binary v2, through its bytes and back. */
function asV2(v1: AnchorBlockProposalV1): AnchorBlockProposalV2 {
  const bytes = anchorBlockProposalV2.encode({
    operatorId: v1.operatorId,
    centralBankPublicKey: fromHex(v1.centralBankPublicKey),
    header: encodeBlockHeader(headerFromWire(v1.header)),
    centralBankSignature: fromHex(v1.centralBankSignature),
    leafHashes: fromHex(v1.leafHashes.join('')),
    entries: v1.entries.map((e) => ({ index: e.index, entry: encodeEntry(entryFromWire(e.entry)) })),
  });
  return new BinaryMessageRegistry([...anchorBinaryMessages] as never).decode(bytes).body as AnchorBlockProposalV2;
}

function read(reading: ReturnType<typeof readProposalV1>): ReceivedProposal {
  if (!reading.ok) throw new Error(reading.detail);
  return reading.proposal;
}

/** Decides the proposal as v1 and as v2, checks both agree, and gives the v1 decision. */
function decideEndorsementBoth(v1: AnchorBlockProposalV1, bank: BankKnowledge): ReturnType<typeof decideEndorsement> {
  const first = decideEndorsement(read(readProposalV1(v1)), bank);
  const second = decideEndorsement(read(readProposalV2(asV2(v1))), bank);
  expect(outcome(second)).toBe(outcome(first));
  return first;
}

function knowledge(overrides: Partial<BankKnowledge> = {}): BankKnowledge {
  return {
    centralBankPublicKey,
    previous: undefined,
    refusedBelow: false,
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
    const decision = decideEndorsementBoth(proposal(), knowledge());
    expect(outcome(decision)).toBe('endorse');
    if (decision.verdict === 'endorse') expect(toHex(decision.blockHash)).toBe(toHex(blockHash(header)));
  });

  it('refuses another central-bank key, a bad signature, and a block that does not follow ours', () => {
    expect(outcome(decideEndorsementBoth(proposal({ centralBankPublicKey: '00'.repeat(32) }), knowledge()))).toBe('KEY_MISMATCH');
    expect(outcome(decideEndorsementBoth(proposal({ centralBankSignature: '00'.repeat(64) }), knowledge()))).toBe('BAD_SIGNATURE');
  });

  it('tells a previous block we lack (transient) from one that does not link (final)', () => {
    const later = buildBlockHeader({ height: 5n, previousHash: new Uint8Array(32).fill(7), firstSequence: 1n, lastSequence: 4n, entryHashes: entries.map(entryHash), sealedAt: 5 });
    const laterProposal = proposal({ header: headerToWire(later), centralBankSignature: toHex(signBlockHeader(later, centralBankKey)) });
    const linked = { height: 4n, hash: new Uint8Array(32).fill(7), lastSequence: 0n };
    expect(outcome(decideEndorsementBoth(laterProposal, knowledge({ previous: linked })))).toBe('endorse');
    expect(outcome(decideEndorsementBoth(laterProposal, knowledge({ previous: { ...linked, hash: new Uint8Array(32).fill(8) } })))).toBe('BROKEN_LINK');
    expect(outcome(decideEndorsementBoth(laterProposal, knowledge({ previous: { ...linked, height: 3n } })))).toBe('PREVIOUS_BLOCK_MISSING');
    // Nothing below it in our replica: the first block we are sent, unless we refused one below it.
    expect(outcome(decideEndorsementBoth(laterProposal, knowledge()))).toBe('endorse');
    expect(outcome(decideEndorsementBoth(laterProposal, knowledge({ refusedBelow: true })))).toBe('PREVIOUS_BLOCK_MISSING');
  });

  it('reads a v2 entry that does not decode as a malformed proposal that still names its block', () => {
    const v2 = asV2(proposal());
    const broken = Uint8Array.from(v2.entries[0]!.entry);
    broken[broken.length - 1] = 0xff;
    const reading = readProposalV2({ ...v2, entries: [{ index: 0, entry: broken }] });
    expect(reading.ok).toBe(false);
    if (!reading.ok) {
      expect(reading.detail).toMatch(/leaf 0 does not decode/);
      expect(toHex(reading.named!.blockHash)).toBe(toHex(blockHash(header)));
    }
  });

  it('refuses leaves that do not make the root, and an entry of ours that is not its leaf', () => {
    expect(outcome(decideEndorsementBoth(proposal({ leafHashes: ['00'.repeat(32), ...proposal().leafHashes.slice(1)] }), knowledge()))).toBe('ROOT_MISMATCH');
    // Fewer leaves than the header counts (v2 cannot even carry an entry beyond its leaves).
    expect(outcome(decideEndorsement(read(readProposalV1(proposal({ leafHashes: proposal().leafHashes.slice(1) }))), knowledge()))).toBe('ROOT_MISMATCH');
    const changed = proposal();
    changed.entries[1] = { index: 2, entry: { ...changed.entries[1]!.entry, amount: '31' } };
    expect(outcome(decideEndorsementBoth(changed, knowledge()))).toBe('ENTRY_NOT_INCLUDED');
  });

  it('refuses when our books disagree, or hold an entry the proposal omits', () => {
    const records = [
      { sequence: 1n, walletId: 'w1', side: 'credit' as const, amount: 499n },
      { sequence: 4n, walletId: 'w1', side: 'credit' as const, amount: 30n },
    ];
    expect(outcome(decideEndorsementBoth(proposal(), knowledge({ records })))).toBe('ENTRY_MISMATCH');
    const omitted = proposal({ entries: proposal().entries.slice(0, 1) });
    expect(outcome(decideEndorsementBoth(omitted, knowledge()))).toBe('ENTRY_MISSING');
  });

  it('refuses a load of our wallet we never asked for, and waits while our books are behind', () => {
    const unrecorded = knowledge({ records: [{ sequence: 4n, walletId: 'w1', side: 'credit', amount: 30n }] });
    expect(outcome(decideEndorsementBoth(proposal(), { ...unrecorded, requests: new Map() }))).toBe('ENTRY_NOT_IN_BOOKS');
    expect(outcome(decideEndorsementBoth(proposal(), { ...unrecorded, requests: new Map([['load-1', { status: 'pending', sequence: null }]]) }))).toBe('wait');
    const creditsBehind = knowledge({ records: [{ sequence: 1n, walletId: 'w1', side: 'credit', amount: 500n }], creditBatchesApplied: new Set() });
    expect(outcome(decideEndorsementBoth(proposal(), creditsBehind))).toBe('wait');
    expect(outcome(decideEndorsementBoth(proposal(), { ...creditsBehind, creditBatchesApplied: new Set([9n]) }))).toBe('ENTRY_NOT_IN_BOOKS');
  });
});
