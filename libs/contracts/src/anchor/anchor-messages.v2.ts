/**
 * `anchor.block-proposal` version 2: the same proposal as version 1 (anchor-messages.v1.ts: the
 * sealed header, the central bank's key and signature, the hashes of ALL the block's entries, and
 * in full only the entries that concern THIS operator), as a binary message (binary-message.ts,
 * docs/decisions/0018-binary-anchor-proposals.md). Version 1 spent about 130 KB of JSON on a block
 * of 400 entries (every hash as hex, every entry as an object of decimal strings), which the
 * central bank's Kafka client checksummed in JavaScript and every operator parsed and validated.
 *
 * Body, after the framing (big-endian):
 *   operatorId            u8 length (1..64), ASCII id
 *   centralBankPublicKey  32 bytes
 *   header                u16 length (1..anchorHeaderBytesMax), the block header's canonical
 *                         encoding (libs/anchor block-header.ts: the bytes whose SHA-256 is the block hash)
 *   centralBankSignature  64 bytes
 *   leaf count n          u16 (1..anchorBlockEntriesMax), then n leaf hashes of 32 bytes each
 *   entry count m         u16 (0..n), then m times:
 *     index               u16, the entry's leaf index: below n, strictly increasing
 *     length              u16 (1..anchorEntryBytesMax), then the entry's canonical encoding
 *                         (libs/anchor entry-encoding.ts: the bytes whose SHA-256 is its leaf)
 * Header and entries are opaque here: the contract bounds them, `@cbdc/anchor` decodes them
 * strictly (decodeBlockHeader, decodeEntry). No amount is ever a float: amounts are u64 fen
 * inside the canonical entry encoding.
 */
import { anchorBlockEntriesMax } from './anchor-messages.v1';
import { binaryPrefix, BinaryReader, type BinaryMessageDefinition } from './binary-message';
import { ContractError } from '../schema';

/** Longest block header encoding accepted (the v1 header encodes in 121 bytes). */
export const anchorHeaderBytesMax = 256;
/** Longest entry encoding accepted (a ledger entry encodes in about 300 bytes, 800 at its limits). */
export const anchorEntryBytesMax = 4096;
const operatorIdLengthMax = 64;
const publicKeyBytes = 32;
const signatureBytes = 64;
const leafBytes = 32;

export interface AnchorBlockProposalV2 {
  operatorId: string;
  centralBankPublicKey: Uint8Array;
  /** The block header's canonical encoding. */
  header: Uint8Array;
  centralBankSignature: Uint8Array;
  /** All the block's leaf hashes, 32 bytes each, in leaf order, as one byte string. */
  leafHashes: Uint8Array;
  /** This operator's entries, each as its canonical encoding, with its leaf index. */
  entries: { index: number; entry: Uint8Array }[];
}

const type = 'anchor.block-proposal';
const version = 2;
const prefix = binaryPrefix(type, version);

function decodeBody(reader: BinaryReader): AnchorBlockProposalV2 {
  const operatorId = reader.id(operatorIdLengthMax, 'operatorId');
  const centralBankPublicKey = reader.bytesOf(publicKeyBytes, 'centralBankPublicKey');
  const headerLength = reader.u16AtMost(anchorHeaderBytesMax, 'header');
  if (headerLength === 0) throw new ContractError('MALFORMED', 'header', 'empty');
  const header = reader.bytesOf(headerLength, 'header');
  const centralBankSignature = reader.bytesOf(signatureBytes, 'centralBankSignature');
  const leafCount = reader.u16AtMost(anchorBlockEntriesMax, 'leafHashes');
  if (leafCount === 0) throw new ContractError('MALFORMED', 'leafHashes', 'a block has at least one leaf');
  const leafHashes = reader.bytesOf(leafCount * leafBytes, 'leafHashes');
  const entryCount = reader.u16AtMost(leafCount, 'entries');
  const entries = new Array<{ index: number; entry: Uint8Array }>(entryCount);
  let previousIndex = -1;
  for (let item = 0; item < entryCount; item++) {
    const index = reader.u16(`entries[${item}].index`);
    if (index <= previousIndex || index >= leafCount) throw new ContractError('MALFORMED', `entries[${item}].index`, `leaf index ${index} out of order or beyond ${leafCount} leaves`);
    previousIndex = index;
    const length = reader.u16AtMost(anchorEntryBytesMax, `entries[${item}].entry`);
    if (length === 0) throw new ContractError('MALFORMED', `entries[${item}].entry`, 'empty');
    entries[item] = { index, entry: reader.bytesOf(length, `entries[${item}].entry`) };
  }
  return { operatorId, centralBankPublicKey, header, centralBankSignature, leafHashes, entries };
}

/**
 * The whole message. The central bank's sealer builds the same bytes from parts it shares between
 * operators (apps/central-bank/src/anchor/anchor-proposal-encoding.ts, tested equal to this).
 */
function encode(body: AnchorBlockProposalV2): Uint8Array {
  const fail = (path: string, detail: string): never => {
    throw new TypeError(`anchor.block-proposal v2 ${path}: ${detail}`);
  };
  if (body.operatorId.length === 0 || body.operatorId.length > operatorIdLengthMax || !/^[A-Za-z0-9.:-]+$/.test(body.operatorId)) fail('operatorId', 'not an id');
  if (body.centralBankPublicKey.length !== publicKeyBytes) fail('centralBankPublicKey', `expected ${publicKeyBytes} bytes`);
  if (body.header.length === 0 || body.header.length > anchorHeaderBytesMax) fail('header', `expected 1..${anchorHeaderBytesMax} bytes`);
  if (body.centralBankSignature.length !== signatureBytes) fail('centralBankSignature', `expected ${signatureBytes} bytes`);
  const leafCount = body.leafHashes.length / leafBytes;
  if (!Number.isInteger(leafCount) || leafCount === 0 || leafCount > anchorBlockEntriesMax) fail('leafHashes', `expected 1..${anchorBlockEntriesMax} hashes of ${leafBytes} bytes`);
  let entriesLength = 0;
  let previousIndex = -1;
  for (const { index, entry } of body.entries) {
    if (!Number.isInteger(index) || index <= previousIndex || index >= leafCount) fail('entries', `leaf index ${index} out of order or beyond ${leafCount} leaves`);
    if (entry.length === 0 || entry.length > anchorEntryBytesMax) fail('entries', `an entry of ${entry.length} bytes`);
    previousIndex = index;
    entriesLength += 4 + entry.length;
  }
  const out = new Uint8Array(prefix.length + 1 + body.operatorId.length + publicKeyBytes + 2 + body.header.length + signatureBytes + 2 + body.leafHashes.length + 2 + entriesLength);
  const view = new DataView(out.buffer);
  let offset = 0;
  out.set(prefix, offset);
  offset += prefix.length;
  out[offset++] = body.operatorId.length;
  for (let index = 0; index < body.operatorId.length; index++) out[offset++] = body.operatorId.charCodeAt(index);
  out.set(body.centralBankPublicKey, offset);
  offset += publicKeyBytes;
  view.setUint16(offset, body.header.length);
  out.set(body.header, offset + 2);
  offset += 2 + body.header.length;
  out.set(body.centralBankSignature, offset);
  offset += signatureBytes;
  view.setUint16(offset, leafCount);
  out.set(body.leafHashes, offset + 2);
  offset += 2 + body.leafHashes.length;
  view.setUint16(offset, body.entries.length);
  offset += 2;
  for (const { index, entry } of body.entries) {
    view.setUint16(offset, index);
    view.setUint16(offset + 2, entry.length);
    out.set(entry, offset + 4);
    offset += 4 + entry.length;
  }
  return out;
}

export const anchorBlockProposalV2: BinaryMessageDefinition<AnchorBlockProposalV2> = {
  type,
  version,
  decodeBody,
  encode,
  samples: [
    // Block 3 of a chain (the v1 sample's header fields, with the real root of its two leaves),
    // and the entry at leaf 1: the v1 sample's load of 50000 fen to wallet w-0001, in a proposal
    // to bank-a. Generated with @cbdc/anchor's encodings; the endorser's tests decode it.
    '0063626d' + // magic
      '15616e63686f722e626c6f636b2d70726f706f73616c' + // type anchor.block-proposal
      '0002' + // version 2
      '0662616e6b2d61' + // operatorId bank-a
      '01'.repeat(32) + // central bank public key
      '0079' + // header, 121 bytes:
      '0000000d636264632f626c6f636b2f7631' + // tag cbdc/block/v1
      '0000000000000003' + // height 3
      'ab'.repeat(32) + // previous hash
      '1adfe79a5763eb35d8ecab3cc7f4954c85e2d780ffb2c886cf99d6ab731f418c' + // Merkle root
      '0000000000000065' + '0000000000000068' + // sequences 101..104
      '0000000000000002' + // entry count 2
      '0000019b76daa800' + // sealed at 2026-01-01T00:00:00Z
      'ef'.repeat(64) + // central bank signature
      '0002' + '11'.repeat(32) + '959980ddec27bc1bd530b6fe119f15fea27e66f7e3e11416d33c69a8f89dcb4b' + // two leaf hashes
      '0001' + // one entry
      '0001' + '008c' + // leaf index 1, 140 bytes:
      '0000000d636264632f656e7472792f7631' + // tag cbdc/entry/v1
      '0000000000000068' + // sequence 104
      '000000096c6f61642d30303031' + // commandId load-0001
      '0000000b6c65646765722e6c6f6164' + // kind ledger.load
      '0000000c7661756c743a62616e6b2d61' + // debit vault:bank-a
      '0000000d77616c6c65743a772d30303031' + // credit wallet:w-0001
      '000000000000c350' + // amount 50000 fen
      '01' + '000000000000000c' + // batch 12
      '0000019b76daa418' + // committed at
      '00000001' + '0000000a6f70657261746f724964' + '01' + '0000000662616e6b2d61', // attributes {operatorId: bank-a}
  ],
};

export const anchorBinaryMessages = [anchorBlockProposalV2] as const;
