// Proves API keys are random, named by an id that is not the secret, stored only as their SHA-256, read from a well-formed bearer header only, and written to an owner-only keys file that never replaces another party's.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { apiKeyHash, apiKeyLengthMax, bearerKey, issueApiKey, keysFileBeside, repoRootAbove, resolveKeysFile, writeKeysFile } from './api-key';

describe('API keys', () => {
  it('are fresh per issue, named by role and id, and hashed with SHA-256', () => {
    const a = issueApiKey('staff');
    const b = issueApiKey('staff');
    expect(a.id).toMatch(/^staff-[0-9a-f]{8}$/);
    expect(a.role).toBe('staff');
    expect(a.key.startsWith(`${a.id}.`)).toBe(true);
    expect(a.key).not.toBe(b.key);
    expect(a.sha256).toEqual(apiKeyHash(a.key));
    expect(a.sha256.length).toBe(32);
    expect(a.key.length).toBeLessThanOrEqual(apiKeyLengthMax);
  });

  it('are read from "Bearer <key>" only', () => {
    expect(bearerKey('Bearer abc.def')).toBe('abc.def');
    expect(bearerKey('bearer abc')).toBe('abc');
    expect(bearerKey(undefined)).toBeNull();
    expect(bearerKey('Basic abc')).toBeNull();
    expect(bearerKey('Bearer a b')).toBeNull();
    expect(bearerKey(['Bearer a', 'Bearer b'])).toBeNull();
    expect(bearerKey(`Bearer ${'x'.repeat(apiKeyLengthMax + 1)}`)).toBeNull();
  });

  it('go beside a keys file they must not replace, named by their owner', () => {
    expect(keysFileBeside('/s/keys.json', 'ab'.repeat(32))).toBe(`/s/keys.${'ab'.repeat(8)}.json`);
    expect(keysFileBeside('/s/keys', 'ab'.repeat(32))).toBe(`/s/keys.${'ab'.repeat(8)}.json`);
  });

  it('go to a file whose relative path is taken from the repository root', () => {
    const root = repoRootAbove(__dirname);
    expect(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))).toMatchObject({ name: 'cbdc' });
    expect(resolveKeysFile('.stack/k.json', __dirname)).toBe(path.join(root, '.stack', 'k.json'));
    expect(resolveKeysFile('/tmp/k.json', __dirname)).toBe('/tmp/k.json');
  });

  it('are written whole to a file only the owner may read', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'api-keys-'));
    try {
      const file = path.join(dir, 'nested', 'keys.json');
      writeKeysFile(file, '{"a":1}');
      expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n');
      expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
