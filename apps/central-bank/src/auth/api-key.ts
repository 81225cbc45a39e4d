/**
 * API keys of the central bank's HTTP API. A key is `<id>.<secret>`: the id (`staff-1f2e3d4c`)
 * names the key in logs and in the audit trail, the secret is 32 random bytes. Only the SHA-256 of
 * the whole key is stored, so a copy of the database does not let anyone call the API.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export type ApiRole = 'staff' | 'auditor';
export const apiRoles: readonly ApiRole[] = ['staff', 'auditor'];

/** A key longer than this is refused before it is hashed. */
export const apiKeyLengthMax = 200;

export interface IssuedApiKey {
  readonly id: string;
  readonly role: ApiRole;
  /** The plaintext key: shown once, written to the keys file, never stored. */
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

/** The key of an `authorization: Bearer <key>` header, or null when the header is absent or malformed. */
export function bearerKey(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string') return null;
  const match = /^Bearer +([^\s]+)\s*$/i.exec(header);
  if (!match || match[1]!.length > apiKeyLengthMax) return null;
  return match[1]!;
}

/** What may a role do: staff everything, auditors only read. */
export function roleMayCall(role: ApiRole, method: string): boolean {
  if (role === 'staff') return true;
  return method === 'GET' || method === 'HEAD';
}

/** The central bank (its key) and database a keys file belongs to. */
export interface KeysFileOwner {
  readonly centralBankPublicKey: string;
  readonly database: string;
}

/** The keys file, as the demo and the tests read it. */
export interface ApiKeysFile extends KeysFileOwner {
  readonly createdAt: string;
  readonly staff: { readonly id: string; readonly key: string };
  readonly auditor: { readonly id: string; readonly key: string };
}

export function apiKeysFileContent(keys: readonly IssuedApiKey[], createdAt: Date, owner: KeysFileOwner): ApiKeysFile {
  const of = (role: ApiRole) => {
    const key = keys.find((k) => k.role === role);
    if (!key) throw new Error(`no ${role} key to write`);
    return { id: key.id, key: key.key };
  };
  return { createdAt: createdAt.toISOString(), centralBankPublicKey: owner.centralBankPublicKey, database: owner.database, staff: of('staff'), auditor: of('auditor') };
}

/** Whose keys an existing keys file holds; null when it is unreadable or of an unknown shape. */
export function keysFileOwner(text: string): KeysFileOwner | null {
  try {
    const parsed = JSON.parse(text) as Partial<KeysFileOwner>;
    if (typeof parsed.centralBankPublicKey !== 'string' || typeof parsed.database !== 'string') return null;
    return { centralBankPublicKey: parsed.centralBankPublicKey, database: parsed.database };
  } catch {
    return null;
  }
}

/**
 * Where to write new keys: the configured file, unless it holds the keys of another central bank
 * whose database still exists (the demo's, say, while a test runs against a fresh database); those
 * are never overwritten, and the new keys go beside them, named by this central bank's key. A file
 * of a dropped database, or an unreadable one, is replaced.
 */
export function keysFileTarget(configured: string, existing: KeysFileOwner | null, me: KeysFileOwner, existingDatabaseLive: boolean): string {
  if (existing === null || existing.centralBankPublicKey === me.centralBankPublicKey || !existingDatabaseLive) return configured;
  const extension = path.extname(configured);
  return `${configured.slice(0, configured.length - extension.length)}.${me.centralBankPublicKey.slice(0, 16)}${extension || '.json'}`;
}

/** The repository root (the folder of the `cbdc` package.json) above `startDir`, for relative settings. */
export function repoRootAbove(startDir: string): string {
  let dir = path.resolve(startDir);
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate) && (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === 'cbdc') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

export function resolveKeysFile(setting: string, startDir: string): string {
  return path.isAbsolute(setting) ? setting : path.join(repoRootAbove(startDir), setting);
}
