// Proves the central bank's key roles (auditors may only read), its keys file with one key per role, and that new keys never overwrite another live central bank's file.
import { apiKeysFileContent, issueApiKey, keysFileOwner, keysFileTarget, roleMayCall } from './api-key';

describe('API keys', () => {
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
});
