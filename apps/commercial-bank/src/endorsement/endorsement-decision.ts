/**
 * Whether this operator endorses a block proposal: a pure decision over the proposal and what the
 * bank knows (its pinned copy of the central bank's key, the last block of its replica, and its
 * own books), so it is unit-tested without a database (endorsement-decision.spec.ts).
 *
 * Checks, in order; the first that fails is the refusal's code (MALFORMED_PROPOSAL, a header or
 * entry that does not decode, is decided before, when the proposal is read):
 *   KEY_MISMATCH          the proposal names another central-bank key than the one pinned;
 *   BAD_SIGNATURE         the central bank did not sign this header;
 *   PREVIOUS_BLOCK_MISSING  our replica lacks the block before this one (we refused it for a
 *                         reason that may pass, or have not seen it final yet): transient;
 *   BROKEN_LINK           previous hash or first sequence do not follow our block before it;
 *   BAD_RANGE             the header's range cannot hold its entry count;
 *   ROOT_MISMATCH         the leaf hashes given are not the header's count, or not its Merkle root;
 *   ENTRY_NOT_INCLUDED    one of our entries does not hash to its leaf, or lies outside the range;
 *   ENTRY_MISMATCH        an entry about one of our wallets disagrees with our books (amount, wallet, side);
 *   ENTRY_MISSING         our books hold an entry in the block's range that the proposal omits;
 *   ENTRY_NOT_IN_BOOKS    a load or unload of our wallet, or a payment to it, that we never recorded.
 * "wait" means our books are still behind the ledger for this block (results not applied yet);
 * the caller retries for a bounded time before refusing with BOOKS_BEHIND, which is transient too.
 * A transient refusal is re-evaluated when the central bank proposes the block again
 * (docs/decisions/0018-binary-anchor-proposals.md); every other refusal is final.
 * The proposal comes in either version (received-proposal.ts): the decision sees bytes and values.
 */
import { genesisHeight, genesisPreviousHash, merkleRoot, verifyBlockSignature, type AnchorEntry, type BlockHeader } from '@cbdc/anchor';
import { bytesEqual, toHex } from '@cbdc/crypto';
import type { ReceivedProposal } from './received-proposal';

export type RefusalCode =
  | 'MALFORMED_PROPOSAL'
  | 'KEY_MISMATCH'
  | 'BAD_SIGNATURE'
  | 'PREVIOUS_BLOCK_MISSING'
  | 'BROKEN_LINK'
  | 'BAD_RANGE'
  | 'ROOT_MISMATCH'
  | 'ENTRY_NOT_INCLUDED'
  | 'ENTRY_MISMATCH'
  | 'ENTRY_MISSING'
  | 'ENTRY_NOT_IN_BOOKS'
  | 'BOOKS_BEHIND';

/** One line of our books with a ledger sequence: a wallet was credited or debited this amount. */
export interface BookRecord {
  sequence: bigint;
  walletId: string;
  side: 'credit' | 'debit';
  amount: bigint;
}

/** What the bank knows when it decides. */
export interface BankKnowledge {
  centralBankPublicKey: Uint8Array;
  /** The last block of our replica; undefined before the first (a bank that joins late starts at the block it is first sent). */
  previous: { height: bigint; hash: Uint8Array; lastSequence: bigint } | undefined;
  /** Whether we refused a block below this one that our replica does not hold (so a first block is not one we joined at). */
  refusedBelow: boolean;
  /** Our wallets among those the proposal's entries name. */
  ourWallets: ReadonlySet<string>;
  /** Our book records with a sequence in the block's range. */
  records: readonly BookRecord[];
  /** Loads and unloads we asked for, by command id: accepted with a sequence, or still pending. */
  requests: ReadonlyMap<string, { status: 'pending' | 'accepted' | 'rejected'; sequence: bigint | null }>;
  /** Ledger batches whose credits to our wallets we have applied (inbox). */
  creditBatchesApplied: ReadonlySet<bigint>;
}

export type EndorsementDecision =
  | { verdict: 'endorse'; header: BlockHeader; blockHash: Uint8Array; entries: { index: number; entry: AnchorEntry }[]; leafHashes: Uint8Array[] }
  | { verdict: 'refuse'; header: BlockHeader; blockHash: Uint8Array; code: RefusalCode; detail: string }
  | { verdict: 'wait'; detail: string };

const walletPrefix = 'wallet:';

function walletOf(account: string): string | undefined {
  return account.startsWith(walletPrefix) ? account.slice(walletPrefix.length) : undefined;
}

export function decideEndorsement(proposal: ReceivedProposal, knowledge: BankKnowledge): EndorsementDecision {
  const { header, blockHash: hash } = proposal;
  const refuse = (code: RefusalCode, detail: string): EndorsementDecision => ({ verdict: 'refuse', header, blockHash: hash, code, detail });

  if (!bytesEqual(proposal.centralBankPublicKey, knowledge.centralBankPublicKey)) {
    return refuse('KEY_MISMATCH', `the proposal names central-bank key ${toHex(proposal.centralBankPublicKey).slice(0, 16)}..., we trust ${toHex(knowledge.centralBankPublicKey).slice(0, 16)}...`);
  }
  if (!verifyBlockSignature(hash, proposal.centralBankSignature, knowledge.centralBankPublicKey)) {
    return refuse('BAD_SIGNATURE', `block ${header.height}: the central bank's signature does not verify`);
  }
  const previous = knowledge.previous;
  if (previous === undefined) {
    if (header.height === genesisHeight && (!bytesEqual(header.previousHash, genesisPreviousHash) || header.firstSequence !== 1n)) {
      return refuse('BROKEN_LINK', 'the genesis block must have a zero previous hash and start at sequence 1');
    }
    if (header.height !== genesisHeight && knowledge.refusedBelow) {
      return refuse('PREVIOUS_BLOCK_MISSING', `block ${header.height}: our replica holds no block before it, and we refused one`);
    }
  } else if (previous.height + 1n < header.height) {
    return refuse('PREVIOUS_BLOCK_MISSING', `block ${header.height}: our replica's last block before it is ${previous.height}`);
  } else if (header.height !== previous.height + 1n || !bytesEqual(header.previousHash, previous.hash) || header.firstSequence !== previous.lastSequence + 1n) {
    return refuse(
      'BROKEN_LINK',
      `block ${header.height} (previous ${toHex(header.previousHash).slice(0, 16)}..., first sequence ${header.firstSequence}) does not follow our block ${previous.height} (${toHex(previous.hash).slice(0, 16)}..., last sequence ${previous.lastSequence})`,
    );
  }
  if (header.lastSequence - header.firstSequence + 1n < BigInt(header.entryCount)) {
    return refuse('BAD_RANGE', `range ${header.firstSequence}..${header.lastSequence} cannot hold ${header.entryCount} entries`);
  }
  const leafHashes = proposal.leafHashes;
  if (leafHashes === undefined || leafHashes.length !== header.entryCount || !bytesEqual(merkleRoot(leafHashes), header.merkleRoot)) {
    return refuse('ROOT_MISMATCH', `the ${proposal.leafCount} leaf hashes given are not the Merkle root of block ${header.height} (${header.entryCount} entries)`);
  }

  const entries: { index: number; entry: AnchorEntry }[] = [];
  let lastIndex = -1;
  let lastSequence = header.firstSequence - 1n;
  for (const item of proposal.entries) {
    const entry = item.entry;
    if (item.index <= lastIndex || entry.sequence <= lastSequence || entry.sequence > header.lastSequence || item.index >= leafHashes.length) {
      return refuse('ENTRY_NOT_INCLUDED', `entry ${entry.sequence} at leaf ${item.index} is out of order or outside block ${header.height}`);
    }
    if (!bytesEqual(item.hash, leafHashes[item.index]!)) {
      return refuse('ENTRY_NOT_INCLUDED', `entry ${entry.sequence} (${entry.commandId}) does not hash to leaf ${item.index} of block ${header.height}`);
    }
    entries.push({ index: item.index, entry });
    lastIndex = item.index;
    lastSequence = entry.sequence;
  }

  const bySequence = new Map(entries.map((e) => [e.entry.sequence, e.entry]));
  for (const record of knowledge.records) {
    const entry = bySequence.get(record.sequence);
    if (entry === undefined) {
      return refuse('ENTRY_MISSING', `our books hold entry ${record.sequence} (${record.side} of ${record.amount} fen to wallet ${record.walletId}) in block ${header.height}, the proposal omits it`);
    }
    const account = record.side === 'credit' ? entry.credit : entry.debit;
    if (entry.amount !== record.amount || account !== `${walletPrefix}${record.walletId}`) {
      return refuse(
        'ENTRY_MISMATCH',
        `entry ${record.sequence} (${entry.commandId}) moves ${entry.amount} fen ${record.side === 'credit' ? 'to' : 'from'} ${account}; our books say ${record.amount} fen, wallet ${record.walletId}`,
      );
    }
  }

  const recorded = new Set(knowledge.records.map((r) => r.sequence));
  for (const { entry } of entries) {
    if (recorded.has(entry.sequence)) continue;
    const credited = walletOf(entry.credit);
    const debited = walletOf(entry.debit);
    const ours = (wallet: string | undefined): boolean => wallet !== undefined && knowledge.ourWallets.has(wallet);
    if ((entry.kind === 'ledger.load' && ours(credited)) || (entry.kind === 'ledger.unload' && ours(debited))) {
      const request = knowledge.requests.get(entry.commandId);
      if (request === undefined || request.status === 'rejected') {
        return refuse('ENTRY_NOT_IN_BOOKS', `entry ${entry.sequence}: a ${entry.kind} of ${entry.amount} fen (${entry.commandId}) our books ${request === undefined ? 'never asked for' : 'hold as rejected'}`);
      }
      return { verdict: 'wait', detail: `the result of ${entry.commandId} (entry ${entry.sequence}) is not applied to our books yet` };
    }
    if (entry.kind === 'ledger.payment' && ours(credited)) {
      if (entry.batchId !== undefined && knowledge.creditBatchesApplied.has(entry.batchId)) {
        return refuse('ENTRY_NOT_IN_BOOKS', `entry ${entry.sequence}: a payment of ${entry.amount} fen to our wallet ${credited} (${entry.commandId}) that our books never received`);
      }
      return { verdict: 'wait', detail: `the credits of ledger batch ${String(entry.batchId)} are not applied to our books yet` };
    }
  }
  return { verdict: 'endorse', header, blockHash: hash, entries, leafHashes };
}
