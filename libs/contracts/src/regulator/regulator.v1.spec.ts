// Proves the regulator's messages keep parsing their samples, that a key ceremony's shares open
// only for their official and rebuild the escrow key with k of them (not k-1), and that a signed
// request verifies only unchanged.
import { combineShares, fromHex, openWithPrivateKey, sealToPublicKey, x25519PublicKeyFromPrivateKey, toHex } from '@cbdc/crypto';
import { encodeMessage, MessageRegistry, type MessageDefinition } from '../message';
import { openOfficialShare, runKeyCeremony } from './regulator-ceremony';
import { regulatorMessages, regulatorRequestBodyText, signRegulatorRequest, signatureHeader, verifyRegulatorRequest } from './regulator.v1';

const registry = new MessageRegistry(regulatorMessages as unknown as MessageDefinition<unknown>[]);

describe('regulator messages', () => {
  for (const definition of regulatorMessages as unknown as MessageDefinition<object>[]) {
    it(`${definition.type}@${definition.version} parses every sample and re-encodes it unchanged`, () => {
      for (const sample of definition.samples) {
        const envelope = registry.decode(JSON.stringify(sample));
        expect(JSON.parse(encodeMessage(definition, envelope.body as object))).toEqual(sample);
      }
    });
  }
});

describe('key ceremony', () => {
  it('gives each official a share that k of them combine into the escrow key, and k-1 cannot', async () => {
    const ceremony = await runKeyCeremony(3, 2);
    expect(JSON.stringify(ceremony.material)).not.toContain(ceremony.serviceKey.signingPrivateKey);
    const shares = ceremony.officialKeys.map((official) => openOfficialShare(ceremony.material, official));
    const key = await combineShares([shares[0]!, shares[2]!]);
    expect(toHex(x25519PublicKeyFromPrivateKey(key))).toBe(ceremony.material.escrowPublicKey);
    await expect(combineShares([shares[1]!])).rejects.toMatchObject({ code: 'THRESHOLD_NOT_MET' });
    const sealed = sealToPublicKey(new TextEncoder().encode('identity'), fromHex(ceremony.material.escrowPublicKey));
    expect(new TextDecoder().decode(openWithPrivateKey(sealed, key))).toBe('identity');
  });

  it('opens a share only with its own official key', async () => {
    const ceremony = await runKeyCeremony(2, 2);
    const [first, second] = ceremony.officialKeys;
    expect(() => openOfficialShare(ceremony.material, { ...first!, encryptionPrivateKey: second!.encryptionPrivateKey })).toThrow();
  });
});

describe('signed requests', () => {
  it('verifies the signed method, path, time and body, and nothing else', async () => {
    const ceremony = await runKeyCeremony(2, 2);
    const official = ceremony.officialKeys[0]!;
    const body = regulatorRequestBodyText({ share: 'ab' });
    const headers = signRegulatorRequest(official.officialId, fromHex(official.signingPrivateKey), 'POST', '/v1/unmasking-requests/r1/approvals', body, 1000);
    const signature = fromHex(headers[signatureHeader]!);
    const key = fromHex(official.signingPublicKey);
    expect(verifyRegulatorRequest(signature, key, 'POST', '/v1/unmasking-requests/r1/approvals', body, 1000)).toBe(true);
    expect(verifyRegulatorRequest(signature, key, 'POST', '/v1/unmasking-requests/r2/approvals', body, 1000)).toBe(false);
    expect(verifyRegulatorRequest(signature, key, 'POST', '/v1/unmasking-requests/r1/approvals', regulatorRequestBodyText({ share: 'cd' }), 1000)).toBe(false);
    expect(verifyRegulatorRequest(signature, key, 'POST', '/v1/unmasking-requests/r1/approvals', body, 1001)).toBe(false);
    expect(regulatorRequestBodyText({})).toBe('');
    expect(regulatorRequestBodyText(undefined)).toBe('');
  });
});
