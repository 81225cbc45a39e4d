/**
 * Issue and recall requests as the central bank keeps them, and the pure rules around them: which
 * settle without staff (recalls always; issues up to the operator's automatic quota), the ledger
 * command that carries one, the status message an operator receives.
 */
import {
  encodeMessage,
  issueMessage,
  issueRecallStatusV1,
  operatorEventsTopic,
  recallMessage,
  type IssueRecallRequestViewV1,
  type IssueRecallStatus,
  type KeyedMessage,
} from '@cbdc/contracts';
import type { LedgerDecision } from '../ledger-access/ledger-gateway';
import type { OutboxMessage } from '../outbox/outbox-relay';

export interface IssueRecallRow {
  request_id: string;
  operator_id: string;
  direction: 'issue' | 'recall';
  amount: string;
  status: IssueRecallStatus;
  command_id: string;
  code: string | null;
  detail: string | null;
  sequence: string | null;
  received_at: Date;
  submitted_at: Date | null;
  decided_at: Date | null;
  reviewed_by: string | null;
}

/** Why a request was refused before it was stored (it is not answered: see the control consumer). */
export type RequestRefusal = 'UNKNOWN_OPERATOR' | 'BAD_SIGNATURE';

/** The code a staff rejection carries to the operator. */
export const rejectedByStaffCode = 'REJECTED_BY_STAFF';
/** Answered to an operator whose request id another operator already used. */
export const requestIdTakenCode = 'REQUEST_ID_TAKEN';
/** The command id was decided as another kind of command (an operator chose a `cb:` id); never expected. */
export const commandIdTakenCode = 'COMMAND_ID_TAKEN';
/** The longest detail a status message carries (issueRecallStatusV1). */
export const statusDetailLengthMax = 500;

/** Recalls return DC the operator already holds, so they never need approval; issues do above the quota. */
export function settlesAutomatically(direction: 'issue' | 'recall', amount: bigint, issueQuotaAuto: bigint): boolean {
  return direction === 'recall' || amount <= issueQuotaAuto;
}

export function ledgerCommandOf(row: Pick<IssueRecallRow, 'request_id' | 'operator_id' | 'direction' | 'amount' | 'command_id'>, centralBankPrivateKey: Uint8Array): KeyedMessage {
  const body = { commandId: row.command_id, operatorId: row.operator_id, amount: BigInt(row.amount), requestId: row.request_id };
  return row.direction === 'issue' ? issueMessage(body, centralBankPrivateKey) : recallMessage(body, centralBankPrivateKey);
}

export function expectedCommandType(direction: 'issue' | 'recall'): string {
  return direction === 'issue' ? 'ledger.issue' : 'ledger.recall';
}

export interface Settlement {
  readonly status: 'settled' | 'rejected';
  readonly code: string | null;
  readonly detail: string | null;
  readonly sequence: string | null;
}

/** What the ledger's decision makes of a submitted request. */
export function settlementOf(row: Pick<IssueRecallRow, 'direction'>, decision: Pick<LedgerDecision, 'commandType' | 'status' | 'code' | 'detail' | 'sequence'>): Settlement {
  if (decision.commandType !== expectedCommandType(row.direction)) {
    return { status: 'rejected', code: commandIdTakenCode, detail: `the command id was decided as a ${decision.commandType}`, sequence: null };
  }
  if (decision.status === 'accepted') return { status: 'settled', code: null, detail: null, sequence: decision.sequence };
  return { status: 'rejected', code: decision.code, detail: decision.detail, sequence: null };
}

export interface StatusAnswer {
  readonly requestId: string;
  readonly operatorId: string;
  readonly direction: 'issue' | 'recall';
  readonly amount: string;
  readonly status: 'pending-approval' | 'settled' | 'rejected';
  readonly code?: string | null;
  readonly detail?: string | null;
}

/** The status message for the operator's events topic, as an outbox row. */
export function statusOutboxMessage(answer: StatusAnswer): OutboxMessage {
  const detail = answer.detail ? answer.detail.slice(0, statusDetailLengthMax) : undefined;
  return {
    topic: operatorEventsTopic(answer.operatorId),
    key: answer.operatorId,
    payload: encodeMessage(issueRecallStatusV1, {
      requestId: answer.requestId,
      operatorId: answer.operatorId,
      direction: answer.direction,
      amount: BigInt(answer.amount),
      status: answer.status,
      ...(answer.code ? { code: answer.code } : {}),
      ...(detail ? { detail } : {}),
    }),
  };
}

/** The answer a stored request gives; none while it is on its way through the ledger. */
export function storedAnswer(row: IssueRecallRow): StatusAnswer | null {
  if (row.status === 'submitted') return null;
  return {
    requestId: row.request_id,
    operatorId: row.operator_id,
    direction: row.direction,
    amount: row.amount,
    status: row.status,
    code: row.code,
    detail: row.detail,
  };
}

export function requestView(row: IssueRecallRow): IssueRecallRequestViewV1 {
  return {
    requestId: row.request_id,
    operatorId: row.operator_id,
    direction: row.direction,
    amount: row.amount,
    status: row.status,
    commandId: row.command_id,
    code: row.code,
    detail: row.detail,
    sequence: row.sequence,
    receivedAt: row.received_at.toISOString(),
    submittedAt: row.submitted_at?.toISOString() ?? null,
    decidedAt: row.decided_at?.toISOString() ?? null,
    reviewedBy: row.reviewed_by,
  };
}
