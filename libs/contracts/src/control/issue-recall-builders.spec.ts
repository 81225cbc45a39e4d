// Proves a built issue/recall request parses as the published message and carries a signature that verifies under the operator's key over exactly its fields, and under no other key or field.
import { fromHex, generateKeyPairFast, verifyFast } from '@cbdc/crypto';
import { MessageRegistry, type MessageDefinition } from '../message';
import { commandSigningPayload } from '../signing';
import { issueRecallRequestMessage } from './issue-recall-builders';
import { issueRecallRequestV1, type IssueRecallRequestV1 } from './issue-recall.v1';

const registry = new MessageRegistry([issueRecallRequestV1] as MessageDefinition<unknown>[]);

describe('issueRecallRequestMessage', () => {
  it('builds a signed request, keyed by the operator, that verifies under its key only', () => {
    const operator = generateKeyPairFast();
    const message = issueRecallRequestMessage({ requestId: 'req-1', operatorId: 'bank-a', direction: 'issue', amount: 5_000n }, operator.privateKey);
    expect(message.key).toBe('bank-a');
    const body = registry.decode(message.value).body as IssueRecallRequestV1;
    expect(body).toMatchObject({ requestId: 'req-1', direction: 'issue', amount: 5_000n });
    const signature = fromHex(body.signature);
    expect(verifyFast(signature, commandSigningPayload(issueRecallRequestV1.type, body), operator.publicKey)).toBe(true);
    expect(verifyFast(signature, commandSigningPayload(issueRecallRequestV1.type, { ...body, amount: 5_001n }), operator.publicKey)).toBe(false);
    expect(verifyFast(signature, commandSigningPayload(issueRecallRequestV1.type, body), generateKeyPairFast().publicKey)).toBe(false);
  });
});
