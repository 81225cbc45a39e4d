// Proves a bank's staff API key is read from x-api-key or a well-formed bearer header only, and never written over another database's keys file.
import { apiKeyLengthMax, keysFileTarget, requestApiKey } from './api-key';

describe('bank API keys', () => {
  it('are read from x-api-key or "Bearer <key>" only', () => {
    expect(requestApiKey({ 'x-api-key': 'abc.def' })).toBe('abc.def');
    expect(requestApiKey({ authorization: 'Bearer abc.def' })).toBe('abc.def');
    expect(requestApiKey({ authorization: 'bearer abc' })).toBe('abc');
    expect(requestApiKey({})).toBeNull();
    expect(requestApiKey({ authorization: 'Basic abc' })).toBeNull();
    expect(requestApiKey({ authorization: 'Bearer a b' })).toBeNull();
    expect(requestApiKey({ authorization: 'Bearer a$b' })).toBeNull();
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
});
