/**
 * The permissioned log's messages, version 1 (ARCHITECTURE.md §8, docs/decisions/0012).
 *
 * - `anchor.block-proposal` (central bank -> one operator, on `operator.<id>.anchor.v1`): a sealed
 *   header with the central bank's signature, the hashes of ALL the block's entries (the leaves,
 *   so the operator recomputes the Merkle root itself), and in full only the entries that concern
 *   THIS operator, each with its leaf index. Another operator's entries never leave the central
 *   bank: an operator sees only their hashes.
 * - `anchor.endorsement` / `anchor.refusal` (operator -> central bank, on `central-bank.anchor.v1`):
 *   the operator's signature over the block hash, or a stable code and a reason.
 * - `anchor.block-final` (central bank -> every operator): the header, signature and the quorum
 *   of endorsements with the endorsers' registered keys, so every operator's replica holds the
 *   same endorsed chain and can be audited on its own.
 * Headers and entries travel in the wire form of libs/anchor (hex bytes, decimal-string sequences
 * and amounts, epoch-millisecond times), which `@cbdc/anchor` turns into typed values; an amount
 * is never a JSON number.
 */
import { defineMessage, MessageOf } from '../message';
import { array, ContractError, hex, id, integer, object, text, type Parser } from '../schema';

/** Most entries one block may hold, so a proposal stays far below the message size limit. */
export const anchorBlockEntriesMax = 400;
/** Most endorsements a block carries (one per operator). */
export const anchorEndorsementsMax = 256;

const decimalTextPattern = /^(0|[1-9][0-9]{0,18})$/;

/** A non-negative int64 as a decimal string, kept as the string (anchor wire form). */
export function decimalText(): Parser<string> {
  return (value, path) => {
    if (typeof value !== 'string' || !decimalTextPattern.test(value)) {
      throw new ContractError('MALFORMED', `${path}`, `expected a decimal string`);
    }
    return value;
  };
}

const attributeKeysMax = 16;
const attributeKeyPattern = /^[A-Za-z][A-Za-z0-9]{0,31}$/;

/** A flat map of short string attributes bound into an entry's hash. */
function attributes(): Parser<Record<string, string>> {
  const itemText = text(256);
  return (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ContractError('MALFORMED', `${path}`, `expected an object`);
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length > attributeKeysMax) throw new ContractError('MALFORMED', `${path}`, `at most ${attributeKeysMax} attributes`);
    const out: Record<string, string> = {};
    for (const [key, item] of entries) {
      if (!attributeKeyPattern.test(key)) throw new ContractError('MALFORMED', `${path}.${key}`, `bad attribute name`);
      out[key] = itemText(item, `${path}.${key}`);
    }
    return out;
  };
}

function optionalOf<T>(parser: Parser<T>): Parser<T | undefined> {
  return (value, path) => (value === undefined ? undefined : parser(value, path));
}

const timeMs = integer(0, Number.MAX_SAFE_INTEGER);

export const anchorHeaderShape = {
  height: decimalText(),
  previousHash: hex(32),
  merkleRoot: hex(32),
  firstSequence: decimalText(),
  lastSequence: decimalText(),
  entryCount: integer(1, anchorBlockEntriesMax),
  sealedAt: timeMs,
};

export const anchorEntryShape = {
  sequence: decimalText(),
  commandId: id(),
  kind: id(64),
  debit: id(),
  credit: id(),
  amount: decimalText(),
  batchId: optionalOf(decimalText()),
  committedAt: timeMs,
  attributes: optionalOf(attributes()),
};

const endorsementShape = { operatorId: id(64), signature: hex(64) };

const sampleHeader = {
  height: '3',
  previousHash: 'ab'.repeat(32),
  merkleRoot: 'cd'.repeat(32),
  firstSequence: '101',
  lastSequence: '104',
  entryCount: 2,
  sealedAt: 1767225600000,
};

export const anchorBlockProposalV1 = defineMessage(
  'anchor.block-proposal',
  1,
  {
    operatorId: id(64),
    centralBankPublicKey: hex(32),
    header: object(anchorHeaderShape),
    centralBankSignature: hex(64),
    leafHashes: array(hex(32), anchorBlockEntriesMax),
    entries: array(object({ index: integer(0, anchorBlockEntriesMax - 1), entry: object(anchorEntryShape) }), anchorBlockEntriesMax),
  },
  [
    {
      type: 'anchor.block-proposal',
      version: 1,
      operatorId: 'bank-a',
      centralBankPublicKey: '01'.repeat(32),
      header: sampleHeader,
      centralBankSignature: 'ef'.repeat(64),
      leafHashes: ['11'.repeat(32), '22'.repeat(32)],
      entries: [
        {
          index: 1,
          entry: {
            sequence: '104',
            commandId: 'load-0001',
            kind: 'ledger.load',
            debit: 'vault:bank-a',
            credit: 'wallet:w-0001',
            amount: '50000',
            batchId: '12',
            committedAt: 1767225599000,
            attributes: { operatorId: 'bank-a' },
          },
        },
      ],
    },
  ],
);

export const anchorEndorsementV1 = defineMessage(
  'anchor.endorsement',
  1,
  { operatorId: id(64), height: decimalText(), blockHash: hex(32), signature: hex(64) },
  [{ type: 'anchor.endorsement', version: 1, operatorId: 'bank-a', height: '3', blockHash: '33'.repeat(32), signature: '44'.repeat(64) }],
);

export const anchorRefusalV1 = defineMessage(
  'anchor.refusal',
  1,
  { operatorId: id(64), height: decimalText(), blockHash: hex(32), code: id(64), detail: text(500) },
  [
    {
      type: 'anchor.refusal',
      version: 1,
      operatorId: 'bank-b',
      height: '3',
      blockHash: '33'.repeat(32),
      code: 'ENTRY_AMOUNT_MISMATCH',
      detail: 'entry 104 (load-0001) carries 50000 fen, our books say 5000',
    },
  ],
);

export const anchorBlockFinalV1 = defineMessage(
  'anchor.block-final',
  1,
  {
    header: object(anchorHeaderShape),
    /** Endorsements the block needed: the quorum in force when it was sealed. */
    quorum: integer(1, anchorEndorsementsMax),
    centralBankSignature: hex(64),
    endorsements: array(object(endorsementShape), anchorEndorsementsMax),
    /** The registered keys of the endorsers, so a replica can be audited on its own (an auditor brings its own). */
    endorserKeys: array(object({ operatorId: id(64), publicKey: hex(32) }), anchorEndorsementsMax),
  },
  [
    {
      type: 'anchor.block-final',
      version: 1,
      header: sampleHeader,
      quorum: 2,
      centralBankSignature: 'ef'.repeat(64),
      endorsements: [
        { operatorId: 'bank-a', signature: '55'.repeat(64) },
        { operatorId: 'bank-b', signature: '66'.repeat(64) },
      ],
      endorserKeys: [
        { operatorId: 'bank-a', publicKey: '77'.repeat(32) },
        { operatorId: 'bank-b', publicKey: '88'.repeat(32) },
      ],
    },
  ],
);

export type AnchorBlockProposalV1 = MessageOf<typeof anchorBlockProposalV1>;
export type AnchorEndorsementV1 = MessageOf<typeof anchorEndorsementV1>;
export type AnchorRefusalV1 = MessageOf<typeof anchorRefusalV1>;
export type AnchorBlockFinalV1 = MessageOf<typeof anchorBlockFinalV1>;

export const anchorMessages = [anchorBlockProposalV1, anchorEndorsementV1, anchorRefusalV1, anchorBlockFinalV1] as const;
