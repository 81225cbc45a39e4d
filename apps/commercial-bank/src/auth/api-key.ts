/**
 * Staff API keys of a commercial bank: the one role, how a request carries its key, and the keys
 * file the demo and the tests read. Making, hashing and storing keys is shared by every app
 * (libs/platform).
 */
import { apiKeyLengthMax, bearerKey, keysFileBeside } from '@cbdc/platform';

export { apiKeyLengthMax, resolveKeysFile } from '@cbdc/platform';

export type ApiRole = 'staff';
export const apiRoles: readonly ApiRole[] = ['staff'];

const keyPattern = /^[A-Za-z0-9._-]+$/;

/**
 * The key of a request: `x-api-key: <key>` or `authorization: Bearer <key>`; null when both are
 * absent or malformed (a repeated header counts as malformed).
 */
export function requestApiKey(headers: Record<string, string | string[] | undefined>): string | null {
  const direct = headers['x-api-key'];
  if (direct !== undefined) return typeof direct === 'string' && direct.length <= apiKeyLengthMax && keyPattern.test(direct) ? direct : null;
  const key = bearerKey(headers.authorization);
  return key !== null && keyPattern.test(key) ? key : null;
}

/** The keys file, as the demo and the tests read it. */
export interface BankApiKeysFile {
  readonly createdAt: string;
  readonly operatorId: string;
  /** The operator public key (hence the database) whose keys these are. */
  readonly operatorPublicKey: string;
  readonly staff: { readonly id: string; readonly key: string };
}

/**
 * Where to write new keys: the configured file, unless it holds the live keys of another database
 * of this operator (the demo's while a test runs against a fresh one); those are never
 * overwritten, and the new keys go beside them, named by this database's operator key.
 */
export function keysFileTarget(configured: string, existingText: string | null, operatorPublicKey: string): string {
  if (existingText === null) return configured;
  let owner: unknown;
  try {
    owner = (JSON.parse(existingText) as { operatorPublicKey?: unknown }).operatorPublicKey;
  } catch {
    return configured;
  }
  if (typeof owner !== 'string' || owner === operatorPublicKey) return configured;
  return keysFileBeside(configured, operatorPublicKey);
}
