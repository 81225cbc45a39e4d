// Proves the bank API's request schemas take money only as decimal strings of fen, refuse unknown fields and out-of-range classes, and that an unload built from the holder's signature carries both signatures over exactly what the ledger verifies.
import { commandSigningPayload, ContractError, MessageRegistry, unloadV1, type UnloadV1 } from '@cbdc/contracts';
import { encodeUnloadForSigning, generateKeyPair, sign, toHex, verify, fromHex } from '@cbdc/crypto';
import { depositRequestV1, loadRequestV1, openCustomerRequestV1, openWalletRequestV1, unloadMessageFromSignature, unloadRequestV1 } from './commercial-bank-api.v1';

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ContractError) return `${error.code} ${error.path}`;
    throw error;
  }
  return 'parsed';
}

describe('commercial bank API v1 requests', () => {
  it('take amounts as decimal strings of fen and nothing else', () => {
    expect(depositRequestV1({ depositId: 'd-1', amount: '500000' }, '')).toEqual({ depositId: 'd-1', amount: 500_000n });
    expect(codeOf(() => depositRequestV1({ depositId: 'd-1', amount: 500000 }, ''))).toBe('MALFORMED amount');
    expect(codeOf(() => loadRequestV1({ loadId: 'l-1', amount: '0' }, ''))).toBe('MALFORMED amount');
    expect(codeOf(() => loadRequestV1({ loadId: 'l-1', amount: '1.5' }, ''))).toBe('MALFORMED amount');
    expect(codeOf(() => loadRequestV1({ loadId: 'l-1', amount: '1', extra: true }, ''))).not.toBe('parsed');
  });

  it('open customers with a phone, and wallets of class 3 or 4 with a lower-cased key', () => {
    expect(openCustomerRequestV1({ name: 'Zhang San', phone: '+86 138 0000 0000' }, '')).toEqual({ name: 'Zhang San', phone: '+86 138 0000 0000' });
    expect(codeOf(() => openCustomerRequestV1({ name: ' ', phone: '+86 138' }, ''))).toBe('MALFORMED name');
    expect(codeOf(() => openCustomerRequestV1({ name: 'A', phone: 'call me' }, ''))).toBe('MALFORMED phone');
    const key = 'AB'.repeat(32);
    expect(openWalletRequestV1({ customerId: 'c-1', publicKey: key, walletClass: 4, requestId: 'r-1' }, '').publicKey).toBe('ab'.repeat(32));
    expect(codeOf(() => openWalletRequestV1({ customerId: 'c-1', publicKey: key, walletClass: 2, requestId: 'r-1' }, ''))).toBe('MALFORMED walletClass');
    expect(codeOf(() => openWalletRequestV1({ customerId: 'c-1', publicKey: 'ab', walletClass: 4, requestId: 'r-1' }, ''))).toBe('MALFORMED publicKey');
    expect(codeOf(() => unloadRequestV1({ unloadId: 'u', amount: '1', counter: '0', walletSignature: 'ab'.repeat(64) }, ''))).toBe('MALFORMED counter');
  });

  it("build an unload from the holder's signature that the ledger's parser takes and whose signatures verify", () => {
    const holder = generateKeyPair();
    const operator = generateKeyPair();
    const body = { commandId: 'bank-a:unload:u-1', operatorId: 'bank-a', walletId: 'w'.padEnd(33, 'a'), amount: 2_000n, counter: 3n };
    const walletSignature = toHex(sign(encodeUnloadForSigning(body), holder.privateKey));
    const message = unloadMessageFromSignature({ ...body, walletSignature }, operator.privateKey);
    expect(message.key).toBe(`wallet:${body.walletId}`);
    const parsed = new MessageRegistry([unloadV1]).decode(message.value).body as UnloadV1;
    expect(parsed).toMatchObject({ ...body, walletSignature });
    expect(verify(fromHex(parsed.walletSignature), encodeUnloadForSigning(parsed), holder.publicKey)).toBe(true);
    expect(verify(fromHex(parsed.signature), commandSigningPayload(unloadV1.type, parsed), operator.publicKey)).toBe(true);
    expect(verify(fromHex(parsed.signature), commandSigningPayload(unloadV1.type, { ...parsed, amount: 2_001n }), operator.publicKey)).toBe(false);
  });
});
