/**
 * Builds a signed issue or recall request, ready for `central-bank.control.v1`: the one place
 * where operators (the commercial bank's treasury, tests, the demo) produce the exact bytes the
 * central bank verifies. The operator signs the canonical encoding of the message type and every
 * field but the signature (signing.ts), with the key it registered with the central bank.
 */
import { signFast, toHex } from '@cbdc/crypto';
import type { KeyedMessage } from '../ledger/ledger-command-builders';
import { encodeMessage } from '../message';
import { commandSigningPayload } from '../signing';
import { issueRecallRequestV1, type IssueRecallRequestV1 } from './issue-recall.v1';

/** Keyed by the operator, so one operator's requests stay in order on the control topic. */
export function issueRecallRequestMessage(body: Omit<IssueRecallRequestV1, 'signature'>, operatorPrivateKey: Uint8Array): KeyedMessage {
  const signature = toHex(signFast(commandSigningPayload(issueRecallRequestV1.type, body), operatorPrivateKey));
  return { key: body.operatorId, value: encodeMessage(issueRecallRequestV1, { ...body, signature }) };
}
