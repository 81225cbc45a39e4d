/**
 * API keys of the central bank's HTTP API: the roles and what each may do, and the keys file the
 * demo and the tests read. Making, hashing and reading keys is shared by every app (libs/platform).
 */
import { keysFileBeside, type IssuedApiKey } from '@cbdc/platform';

export { bearerKey, issueApiKey, resolveKeysFile } from '@cbdc/platform';

export type ApiRole = 'staff' | 'auditor';
export const apiRoles: readonly ApiRole[] = ['staff', 'auditor'];

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

export function apiKeysFileContent(keys: ReadonlyArray<IssuedApiKey<ApiRole>>, createdAt: Date, owner: KeysFileOwner): ApiKeysFile {
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
  return keysFileBeside(configured, me.centralBankPublicKey);
}
