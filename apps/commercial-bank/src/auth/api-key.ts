/**
 * Staff API keys of a commercial bank. A key is `<id>.<secret>`: the id (`staff-1f2e3d4c`) names
 * the key in logs, the secret is 32 random bytes. Only the SHA-256 of the whole key is stored, so
 * a copy of the database does not let anyone call the API.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export type ApiRole = 'staff';
export const apiRoles: readonly ApiRole[] = ['staff'];

/** A key longer than this is refused before it is hashed. */
export const apiKeyLengthMax = 200;

export interface IssuedApiKey {
  readonly id: string;
  readonly role: ApiRole;
  /** The plaintext key: written to the keys file once, never stored. */
  readonly key: string;
  readonly sha256: Buffer;
}

export function issueApiKey(role: ApiRole): IssuedApiKey {
  const id = `${role}-${randomBytes(4).toString('hex')}`;
  const key = `${id}.${randomBytes(32).toString('base64url')}`;
  return { id, role, key, sha256: apiKeyHash(key) };
}

export function apiKeyHash(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

const keyPattern = /^[A-Za-z0-9._-]+$/;

/**
 * The key of a request: `x-api-key: <key>` or `authorization: Bearer <key>`; null when both are
 * absent or malformed (a repeated header counts as malformed).
 */
export function requestApiKey(headers: Record<string, string | string[] | undefined>): string | null {
  const direct = headers['x-api-key'];
  if (direct !== undefined) return typeof direct === 'string' && direct.length <= apiKeyLengthMax && keyPattern.test(direct) ? direct : null;
  const authorization = headers.authorization;
  if (typeof authorization !== 'string') return null;
  const match = /^Bearer +([^\s]+)\s*$/i.exec(authorization);
  if (!match || match[1]!.length > apiKeyLengthMax || !keyPattern.test(match[1]!)) return null;
  return match[1]!;
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
  const extension = path.extname(configured);
  return `${configured.slice(0, configured.length - extension.length)}.${operatorPublicKey.slice(0, 16)}${extension || '.json'}`;
}

/** A relative keys-file setting starts at the repository root (the `cbdc` package.json above startDir). */
export function resolveKeysFile(setting: string, startDir: string): string {
  if (path.isAbsolute(setting)) return setting;
  let dir = path.resolve(startDir);
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate) && (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === 'cbdc') return path.join(dir, setting);
    const parent = path.dirname(dir);
    if (parent === dir) return path.join(process.cwd(), setting);
    dir = parent;
  }
}
