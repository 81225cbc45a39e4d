/**
 * What an operator (or the central bank) signs for a command message: the canonical encoding of
 * the message type and every field but the signatures, keys sorted (libs/crypto). The sender and
 * the central ledger compute it the same way, from the same parsed body.
 */
import { encodeOperatorCommandForSigning } from '@cbdc/crypto';

type FieldValue = string | number | bigint | boolean;

/** Fields that are signatures themselves, never part of what is signed. */
const signatureFields = new Set(['signature', 'walletSignature']);

export function commandSigningPayload(type: string, body: object): Uint8Array {
  const fields: Record<string, FieldValue> = {};
  for (const [key, value] of Object.entries(body)) {
    if (signatureFields.has(key) || value === undefined || value === null) continue;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint' && typeof value !== 'boolean') {
      throw new Error(`field ${key} of ${type} is not a flat value and cannot be signed`);
    }
    fields[key] = value;
  }
  return encodeOperatorCommandForSigning(type, fields);
}
