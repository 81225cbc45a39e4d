// SHA-256 for the anchor, on node's OpenSSL.
//
// Why not @noble/hashes: the sealer hashes every committed entry (about 30,000 a second) and
// twice as many Merkle nodes. Measured here on 160-byte inputs: `crypto.hash` ~525,000/s,
// `createHash` ~385,000/s, noble ~220,000/s. `crypto.hash` (a one-shot without a Hash object)
// exists from node 20.12; older nodes fall back to `createHash`.
import * as nodeCrypto from 'node:crypto';

export const hashBytes = 32;

type OneShotHash = (algorithm: string, data: Uint8Array, outputEncoding: 'buffer') => Buffer;
const oneShot = (nodeCrypto as unknown as { hash?: OneShotHash }).hash;

/** SHA-256 of the bytes, as a plain Uint8Array view of 32 bytes. */
export const sha256: (data: Uint8Array) => Uint8Array =
  typeof oneShot === 'function'
    ? (data) => {
        const digest = oneShot('sha256', data, 'buffer');
        return new Uint8Array(digest.buffer, digest.byteOffset, hashBytes);
      }
    : (data) => {
        const digest = nodeCrypto.createHash('sha256').update(data).digest();
        return new Uint8Array(digest.buffer, digest.byteOffset, hashBytes);
      };
