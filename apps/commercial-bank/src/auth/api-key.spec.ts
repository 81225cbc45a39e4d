// Proves staff API keys are random, named by an id that is not the secret, hashed with SHA-256, read from x-api-key or a well-formed bearer header only, and never written over another database's keys file.
import path from 'node:path';
import { apiKeyHash, apiKeyLengthMax, issueApiKey, keysFileTarget, requestApiKey, resolveKeysFile } from './api-key';

describe('bank API keys', () => {
  it('are fresh per issue, named by role and id, and hashed with SHA-256', () => {
    const a = issueApiKey('staff');
    const b = issueApiKey('staff');
    expect(a.id).toMatch(/^staff-[0-9a-f]{8}$/);
    expect(a.key.startsWith(`${a.id}.`)).toBe(true);
    expect(a.key).not.toBe(b.key);
    expect(a.sha256).toEqual(apiKeyHash(a.key));
    expect(a.sha256.length).toBe(32);
  });

  it('are read from x-api-key or "Bearer <key>" only', () => {
    expect(requestApiKey({ 'x-api-key': 'abc.def' })).toBe('abc.def');
    expect(requestApiKey({ authorization: 'Bearer abc.def' })).toBe('abc.def');
    expect(requestApiKey({ authorization: 'bearer abc' })).toBe('abc');
    expect(requestApiKey({})).toBeNull();
    expect(requestApiKey({ authorization: 'Basic abc' })).toBeNull();
    expect(requestApiKey({ authorization: 'Bearer a b' })).toBeNull();
    expect(requestApiKey({ 'x-api-key': ['a', 'b'] })).toBeNull();
    expect(requestApiKey({ 'x-api-key': 'x'.repeat(apiKeyLengthMax + 1) })).toBeNull();
  });

  it("never overwrite another database's keys file", () => {
    const mine = 'ab'.repeat(32);
    expect(keysFileTarget('/s/k.json', null, mine)).toBe('/s/k.json');
    expect(keysFileTarget('/s/k.json', JSON.stringify({ operatorPublicKey: mine }), mine)).toBe('/s/k.json');
    expect(keysFileTarget('/s/k.json', 'not json', mine)).toBe('/s/k.json');
    expect(keysFileTarget('/s/k.json', JSON.stringify({ operatorPublicKey: 'cd'.repeat(32) }), mine)).toBe(`/s/k.${'ab'.repeat(8)}.json`);
  });

  it('resolve a relative file from the repository root', () => {
    const resolved = resolveKeysFile('.stack/k.json', __dirname);
    expect(path.basename(path.dirname(path.dirname(resolved)))).not.toBe('src');
    expect(resolved.endsWith(path.join('.stack', 'k.json'))).toBe(true);
    expect(resolveKeysFile('/tmp/k.json', __dirname)).toBe('/tmp/k.json');
  });
});
