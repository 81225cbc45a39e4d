// Proves the issue/recall rules: which requests settle without staff, how the ledger's decision becomes the request's outcome, and that every answer an operator receives parses as the published status message.
import { issueRecallStatusV1, MessageRegistry, operatorEventsTopic, type MessageDefinition } from '@cbdc/contracts';
import { generateKeyPairFast } from '@cbdc/crypto';
import { ledgerCommandRegistry } from '../ledger-engine/ledger-command-intake';
import {
  commandIdTakenCode,
  ledgerCommandOf,
  requestView,
  settlementOf,
  settlesAutomatically,
  statusDetailLengthMax,
  statusOutboxMessage,
  storedAnswer,
  type IssueRecallRow,
} from './issue-recall-request';

const statusRegistry = new MessageRegistry([issueRecallStatusV1] as MessageDefinition<unknown>[]);

function row(overrides: Partial<IssueRecallRow> = {}): IssueRecallRow {
  return {
    request_id: 'req-1',
    operator_id: 'bank-a',
    direction: 'issue',
    amount: '500',
    status: 'settled',
    command_id: 'cb:issue:req-1',
    code: null,
    detail: null,
    sequence: '17',
    received_at: new Date('2026-11-29T10:00:00Z'),
    submitted_at: new Date('2026-11-29T10:00:01Z'),
    decided_at: new Date('2026-11-29T10:00:02Z'),
    reviewed_by: null,
    ...overrides,
  };
}

describe('settlesAutomatically', () => {
  it('settles issues up to the quota and every recall; issues above it wait for staff', () => {
    expect(settlesAutomatically('issue', 100n, 100n)).toBe(true);
    expect(settlesAutomatically('issue', 101n, 100n)).toBe(false);
    expect(settlesAutomatically('issue', 1n, 0n)).toBe(false);
    expect(settlesAutomatically('recall', 10n ** 15n, 0n)).toBe(true);
  });
});

describe('settlementOf', () => {
  it('settles an accepted command of the expected type with its sequence', () => {
    expect(settlementOf({ direction: 'recall' }, { commandType: 'ledger.recall', status: 'accepted', code: null, detail: null, sequence: '9' })).toEqual({
      status: 'settled',
      code: null,
      detail: null,
      sequence: '9',
    });
  });

  it("rejects with the ledger's code and detail", () => {
    const decision = { commandType: 'ledger.issue', status: 'rejected' as const, code: 'INSUFFICIENT_RESERVES', detail: 'reserves are below', sequence: null };
    expect(settlementOf({ direction: 'issue' }, decision)).toEqual({ status: 'rejected', code: 'INSUFFICIENT_RESERVES', detail: 'reserves are below', sequence: null });
  });

  it('never settles on a decision about another kind of command that took the id', () => {
    const decision = { commandType: 'ledger.load', status: 'accepted' as const, code: null, detail: null, sequence: '3' };
    expect(settlementOf({ direction: 'issue' }, decision)).toMatchObject({ status: 'rejected', code: commandIdTakenCode, sequence: null });
  });
});

describe('answers to the operator', () => {
  it('are status messages on its own events topic that parse as issue-recall-status v1', () => {
    const message = statusOutboxMessage(storedAnswer(row({ status: 'rejected', code: 'INSUFFICIENT_RESERVES', detail: 'x'.repeat(900), sequence: null }))!);
    expect(message.topic).toBe(operatorEventsTopic('bank-a'));
    expect(message.key).toBe('bank-a');
    const parsed = statusRegistry.decode(message.payload).body as { status: string; code: string; amount: bigint; detail: string };
    expect(parsed).toMatchObject({ status: 'rejected', code: 'INSUFFICIENT_RESERVES', amount: 500n });
    expect(parsed.detail.length).toBe(statusDetailLengthMax);
  });

  it('are not given while the request is on its way through the ledger', () => {
    expect(storedAnswer(row({ status: 'submitted', sequence: null, decided_at: null }))).toBeNull();
    expect(storedAnswer(row({ status: 'pending-approval', sequence: null }))).toMatchObject({ status: 'pending-approval' });
  });
});

describe('ledgerCommandOf', () => {
  it('builds a ledger.issue or ledger.recall signed by the central bank that the engine parses, carrying the request id', () => {
    const key = generateKeyPairFast();
    for (const direction of ['issue', 'recall'] as const) {
      const message = ledgerCommandOf(row({ direction, command_id: `cb:${direction}:req-1` }), key.privateKey);
      const envelope = ledgerCommandRegistry.decode(message.value);
      expect(envelope.type).toBe(`ledger.${direction}`);
      expect(envelope.body).toMatchObject({ commandId: `cb:${direction}:req-1`, operatorId: 'bank-a', amount: 500n, requestId: 'req-1' });
      expect(message.key).toBe(direction === 'issue' ? 'reserve:bank-a' : 'vault:bank-a');
    }
  });
});

describe('requestView', () => {
  it('shows amounts and sequences as strings and times as ISO-8601', () => {
    expect(requestView(row())).toMatchObject({ requestId: 'req-1', amount: '500', sequence: '17', receivedAt: '2026-11-29T10:00:00.000Z', reviewedBy: null });
  });
});
