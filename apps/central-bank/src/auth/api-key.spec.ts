// Proves API keys are random, named by an id that is not the secret, stored only as their SHA-256, read from a well-formed bearer header only, and that auditors may only read.
import path from 'node:path';
import { apiKeyHash, apiKeyLengthMax, apiKeysFileContent, bearerKey, issueApiKey, keysFileOwner, keysFileTarget, repoRootAbove, resolveKeysFile, roleMayCall } from './api-key';

describe('API keys', () => {
  it('are fresh per issue, named by role and id, and hashed with SHA-256', () => {
    const a = issueApiKey('staff');
    const b = issueApiKey('staff');
    expect(a.id).toMatch(/^staff-[0-9a-f]{8}$/);
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

  it('give staff every method and auditors only reads', () => {
    expect(['GET', 'POST', 'PUT', 'DELETE'].every((m) => roleMayCall('staff', m))).toBe(true);
    expect(roleMayCall('auditor', 'GET')).toBe(true);
    expect(['POST', 'PUT', 'PATCH', 'DELETE'].some((m) => roleMayCall('auditor', m))).toBe(false);
  });

  it('are written to the keys file one per role', () => {
    const keys = [issueApiKey('staff'), issueApiKey('auditor')];
    const owner = { centralBankPublicKey: 'cd'.repeat(32), database: 'cbdc_central_bank' };
    const file = apiKeysFileContent(keys, new Date(0), owner);
    expect(file).toEqual({
      createdAt: '1970-01-01T00:00:00.000Z',
      ...owner,
      staff: { id: keys[0]!.id, key: keys[0]!.key },
      auditor: { id: keys[1]!.id, key: keys[1]!.key },
    });
    expect(keysFileOwner(JSON.stringify(file))).toEqual(owner);
    expect(keysFileOwner('not json')).toBeNull();
    expect(() => apiKeysFileContent([keys[0]!], new Date(0), owner)).toThrow(/auditor/);
  });

  it("never overwrite the keys of another central bank whose database lives, and replace a stale or unreadable file", () => {
    const me = { centralBankPublicKey: 'ab'.repeat(32), database: 'test_db_1' };
    const demo = { centralBankPublicKey: 'cd'.repeat(32), database: 'cbdc_central_bank' };
    expect(keysFileTarget('/s/keys.json', null, me, false)).toBe('/s/keys.json');
    expect(keysFileTarget('/s/keys.json', me, me, true)).toBe('/s/keys.json');
    expect(keysFileTarget('/s/keys.json', demo, me, false)).toBe('/s/keys.json');
    expect(keysFileTarget('/s/keys.json', demo, me, true)).toBe(`/s/keys.${'ab'.repeat(8)}.json`);
  });

  it('go to a file whose relative path is taken from the repository root', () => {
    const root = repoRootAbove(__dirname);
    expect(path.basename(path.join(root, 'apps'))).toBe('apps');
    expect(resolveKeysFile('.stack/k.json', __dirname)).toBe(path.join(root, '.stack', 'k.json'));
    expect(resolveKeysFile('/tmp/k.json', __dirname)).toBe('/tmp/k.json');
  });
});
