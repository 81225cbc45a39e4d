// Proves the central bank's command ids are derived deterministically from what makes each command unique, stay valid command ids however long the client's id, and never collide between kinds.
import { id, idLengthMax } from '@cbdc/contracts';
import { creditCommandId, issueRecallCommandId, registerOperatorCommandId } from './command-ids';

const asCommandId = id();

describe('central bank command ids', () => {
  it('are readable and stable for the same input', () => {
    expect(creditCommandId('rtgs-1')).toBe('cb:credit-reserve:rtgs-1');
    expect(issueRecallCommandId('issue', 'req-1')).toBe('cb:issue:req-1');
    expect(issueRecallCommandId('recall', 'req-1')).toBe('cb:recall:req-1');
    expect(registerOperatorCommandId('bank-a', 'ab12')).toBe('cb:register-operator:bank-a:ab12');
    expect(issueRecallCommandId('issue', 'req-1')).toBe(issueRecallCommandId('issue', 'req-1'));
  });

  it('fit the command id schema even for the longest request id, keeping their kind prefix', () => {
    const longest = 'r'.repeat(idLengthMax);
    for (const commandId of [issueRecallCommandId('issue', longest), issueRecallCommandId('recall', longest), creditCommandId('c'.repeat(idLengthMax))]) {
      expect(commandId.length).toBeLessThanOrEqual(idLengthMax);
      expect(asCommandId(commandId, 'commandId')).toBe(commandId);
    }
    expect(issueRecallCommandId('issue', longest)).toMatch(/^cb:issue:sha256:[0-9a-f]{64}$/);
    expect(issueRecallCommandId('issue', longest)).not.toBe(issueRecallCommandId('issue', `${longest.slice(1)}s`));
  });
});
