/**
 * API keys of the apps' HTTP APIs. A key is `<id>.<secret>`: the id (`staff-1f2e3d4c`) names the
 * key in logs and in the audit trail, the secret is 32 random bytes. Only the SHA-256 of the whole
 * key is stored, so a copy of the database does not let anyone call the API. The roles, and what
 * each may do, belong to each app.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A key longer than this is refused before it is hashed. */
export const apiKeyLengthMax = 200;

export interface IssuedApiKey<Role extends string = string> {
  readonly id: string;
  readonly role: Role;
  /** The plaintext key: shown once, written to the keys file, never stored. */
  readonly key: string;
  readonly sha256: Buffer;
}

export function issueApiKey<Role extends string>(role: Role): IssuedApiKey<Role> {
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

/**
 * The file beside `configured` for the keys of the party with this public key: new keys never
 * overwrite the live keys of another database (the demo's while a test runs against a fresh one).
 */
export function keysFileBeside(configured: string, ownerPublicKeyHex: string): string {
  const extension = path.extname(configured);
  return `${configured.slice(0, configured.length - extension.length)}.${ownerPublicKeyHex.slice(0, 16)}${extension || '.json'}`;
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

/** A relative keys-file setting starts at the repository root. */
export function resolveKeysFile(setting: string, startDir: string): string {
  return path.isAbsolute(setting) ? setting : path.join(repoRootAbove(startDir), setting);
}

/** Written whole or not at all (rename), readable by the owner only. */
export function writeKeysFile(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${text}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}
