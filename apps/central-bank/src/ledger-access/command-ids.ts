/**
 * Ids of the ledger commands the central bank makes, derived from what makes each unique, so a
 * repeat (a retried HTTP call, a redelivered request) lands on the same command id and the ledger
 * applies it once. All start with `cb:`, apart from the ids operators choose for their commands.
 */
import { createHash } from 'node:crypto';
import { idLengthMax } from '@cbdc/contracts';

export function registerOperatorCommandId(operatorId: string, nonce: string): string {
  return fitted(`cb:register-operator:${operatorId}:${nonce}`);
}

export function creditCommandId(creditId: string): string {
  return fitted(`cb:credit-reserve:${creditId}`);
}

/** Request ids are unique across operators (the requests table's primary key), so the id alone suffices. */
export function issueRecallCommandId(direction: 'issue' | 'recall', requestId: string): string {
  return fitted(`cb:${direction}:${requestId}`);
}

/** Ids longer than a command id may be keep their prefix and replace the rest by its SHA-256. */
function fitted(commandId: string): string {
  if (commandId.length <= idLengthMax) return commandId;
  const prefix = commandId.slice(0, commandId.indexOf(':', 3) + 1);
  return `${prefix}sha256:${createHash('sha256').update(commandId, 'utf8').digest('hex')}`;
}
