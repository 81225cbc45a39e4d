// Pins the block header encoding and hash, and proves central-bank signatures and endorsements bind the header, the signer and their purpose.
import { createHash } from 'node:crypto';
import { fromHex, publicKeyFromPrivateKey, toHex } from '@cbdc/crypto';
import {
  blockHash,
  buildBlockHeader,
  encodeBlockHeader,
  encodeBlockSignaturePayload,
  encodeEndorsementPayload,
  endorseBlockHeader,
  genesisPreviousHash,
  signBlockHeader,
  verifyBlockSignature,
  verifyEndorsement,
} from './block-header';
import { entryHash } from './entry-encoding';

const keyFrom = (label: string): Uint8Array => Uint8Array.from(createHash('sha256').update(label).digest());
const centralBankKey = keyFrom('test central bank');
const bankAKey = keyFrom('test bank-a');

// The leaf data of the entry-encoding vectors, so the root here is reproducible from them.
const entryHashes = ['2576b8d70b2658079aa8ec36e0af35a29c01dca23aaf00173a233dd29a8ac6e8', '7fdcd6d34bd808cf0f5c17ba7f7090c9b363b6cb5c8c8e396e1ed308e77514a5'].map(fromHex);
const header = buildBlockHeader({ height: 1n, previousHash: new Uint8Array(32).fill(0xab), firstSequence: 42n, entryHashes, sealedAt: 1_767_225_601_000 });

describe('block header', () => {
  it('matches the pinned encoding and hash (a change here is a format change)', () => {
    expect(toHex(encodeBlockHeader(header))).toBe(
      '0000000d636264632f626c6f636b2f7631' + // tag
        '0000000000000001' + // height
        'ab'.repeat(32) + // previous hash
        '9d37457d8ede07490a4dbc73f8b729eec943a51775f2b0f2bfcc094183e4e1e4' + // Merkle root
        '000000000000002a' + '000000000000002b' + // sequences 42..43
        '0000000000000002' + // entry count
        '0000019b76daabe8', // sealedAt
    );
    expect(toHex(blockHash(header))).toBe('b4934d04eeb06b11d73506acac77691ac9d029f83d85846829603a6582aae82a');
  });

  it('derives range and count from the entry hashes, and refuses an empty block', () => {
    expect(header.lastSequence).toBe(43n);
    expect(header.entryCount).toBe(2);
    expect(() => buildBlockHeader({ height: 0n, previousHash: genesisPreviousHash, firstSequence: 1n, entryHashes: [], sealedAt: 0 })).toThrow(RangeError);
  });

  it.each([
    ['height', { height: 2n }],
    ['previous hash', { previousHash: genesisPreviousHash }],
    ['Merkle root', { merkleRoot: entryHash({ sequence: 1n, commandId: 'c', kind: 'k', debit: 'd', credit: 'c', amount: 1n, committedAt: 0 }) }],
    ['first sequence', { firstSequence: 41n }],
    ['last sequence', { lastSequence: 44n }],
    ['entry count', { entryCount: 3 }],
    ['sealing time', { sealedAt: header.sealedAt + 1 }],
  ])('changes its hash when the %s changes', (_field, change) => {
    expect(toHex(blockHash({ ...header, ...change }))).not.toBe(toHex(blockHash(header)));
  });

  it('refuses hashes of the wrong length', () => {
    expect(() => encodeBlockHeader({ ...header, previousHash: new Uint8Array(31) })).toThrow();
  });
});

describe('signatures and endorsements', () => {
  const hash = blockHash(header);
  const centralBankPublicKey = publicKeyFromPrivateKey(centralBankKey);
  const bankAPublicKey = publicKeyFromPrivateKey(bankAKey);

  it('verify for the signed header only', () => {
    const signature = signBlockHeader(header, centralBankKey);
    expect(verifyBlockSignature(hash, signature, centralBankPublicKey)).toBe(true);
    expect(verifyBlockSignature(blockHash({ ...header, sealedAt: 0 }), signature, centralBankPublicKey)).toBe(false);
    expect(verifyBlockSignature(hash, signature, bankAPublicKey)).toBe(false);
  });

  it('bind the operator id: an endorsement relabelled to another operator fails', () => {
    const endorsement = endorseBlockHeader(header, 'bank-a', bankAKey);
    expect(verifyEndorsement(hash, endorsement, bankAPublicKey)).toBe(true);
    expect(verifyEndorsement(hash, { ...endorsement, operatorId: 'bank-b' }, bankAPublicKey)).toBe(false);
    expect(verifyEndorsement(hash, { ...endorsement, operatorId: '' }, bankAPublicKey)).toBe(false);
  });

  it('keep purposes apart: a central-bank signature is no endorsement, and back', () => {
    const asCentralBank = signBlockHeader(header, bankAKey);
    expect(verifyEndorsement(hash, { operatorId: 'bank-a', signature: asCentralBank }, bankAPublicKey)).toBe(false);
    const endorsement = endorseBlockHeader(header, 'bank-a', bankAKey);
    expect(verifyBlockSignature(hash, endorsement.signature, bankAPublicKey)).toBe(false);
    expect(toHex(encodeBlockSignaturePayload(hash))).not.toBe(toHex(encodeEndorsementPayload('bank-a', hash)));
  });
});
