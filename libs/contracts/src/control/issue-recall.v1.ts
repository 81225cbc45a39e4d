/**
 * Issue and recall control traffic, version 1. An operator asks on `central-bank.control.v1`
 * (signed with its key, idempotent on requestId); the central bank answers on the operator's
 * events topic: issued/recalled at once when within the operator's automatic quota, pending
 * until staff approve otherwise, or rejected with a stable code.
 */
import { defineMessage, MessageOf } from '../message';
import { amount, hex, id, oneOf, optional, text } from '../schema';

export const issueRecallRequestV1 = defineMessage(
  'control.issue-recall-request',
  1,
  {
    requestId: id(),
    operatorId: id(),
    direction: oneOf(['issue', 'recall'] as const),
    amount: amount(),
    signature: hex(64),
  },
  [
    {
      type: 'control.issue-recall-request',
      version: 1,
      requestId: 'req-0001',
      operatorId: 'bank-a',
      direction: 'issue',
      amount: '50000000',
      signature: 'ab'.repeat(64),
    },
  ],
);

export const issueRecallStatusV1 = defineMessage(
  'control.issue-recall-status',
  1,
  {
    requestId: id(),
    operatorId: id(),
    direction: oneOf(['issue', 'recall'] as const),
    amount: amount(),
    status: oneOf(['pending-approval', 'settled', 'rejected'] as const),
    code: optional(id(64)),
    detail: optional(text(500)),
  },
  [
    {
      type: 'control.issue-recall-status',
      version: 1,
      requestId: 'req-0001',
      operatorId: 'bank-a',
      direction: 'issue',
      amount: '50000000',
      status: 'settled',
    },
    {
      type: 'control.issue-recall-status',
      version: 1,
      requestId: 'req-0003',
      operatorId: 'bank-a',
      direction: 'recall',
      amount: '900000000',
      status: 'rejected',
      code: 'INSUFFICIENT_FUNDS',
      detail: 'vault holds less than the amount',
    },
  ],
);

export type IssueRecallRequestV1 = MessageOf<typeof issueRecallRequestV1>;
export type IssueRecallStatusV1 = MessageOf<typeof issueRecallStatusV1>;

export const issueRecallMessages = [issueRecallRequestV1, issueRecallStatusV1] as const;
