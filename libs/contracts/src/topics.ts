/**
 * Every Kafka topic of the system, with its partition count. The stack creates them at start,
 * and each app ensures the ones it uses (creation is idempotent).
 *
 * Isolation rule (ARCHITECTURE.md §6): each operator reads only its own `operator.<id>.*` topics.
 */

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
}

/** Ledger commands, keyed by the debited account; one engine worker owns one partition. */
export const ledgerCommandsTopic = 'ledger.commands.v1';
/** Messages that could not be parsed or had an unknown version, with the reason. */
export const ledgerDeadLetterTopic = 'ledger.dead-letter.v1';
/** Operator -> central bank control traffic (issue and recall requests, diagnostics). */
export const centralBankControlTopic = 'central-bank.control.v1';

/** Central bank -> one operator: results of its commands, credits to its wallets, control replies. */
export function operatorEventsTopic(operatorId: string): string {
  return `operator.${operatorId}.events.v1`;
}

/** Operators -> central bank: endorsements and refusals of sealed blocks (anchor messages). */
export const anchorEndorsementsTopic = 'central-bank.anchor.v1';

/** Central bank -> one operator: block proposals (its own entries only) and finalized blocks. */
export function operatorAnchorTopic(operatorId: string): string {
  return `operator.${operatorId}.anchor.v1`;
}

export const ledgerPartitionsDefault = 1;
export const operatorIdsDefault: readonly string[] = ['bank-a', 'bank-b'];

export function systemTopics(
  operatorIds: readonly string[] = operatorIdsDefault,
  ledgerPartitions: number = ledgerPartitionsDefault,
): TopicSpec[] {
  return [
    { name: ledgerCommandsTopic, partitions: ledgerPartitions },
    { name: ledgerDeadLetterTopic, partitions: 1 },
    { name: centralBankControlTopic, partitions: 1 },
    ...operatorIds.map((id) => ({ name: operatorEventsTopic(id), partitions: 1 })),
    { name: anchorEndorsementsTopic, partitions: 1 },
    ...operatorIds.map((id) => ({ name: operatorAnchorTopic(id), partitions: 1 })),
  ];
}
