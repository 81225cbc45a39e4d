/**
 * Who may read and write which Kafka topic, enforced by the broker (docs/decisions/0015-kafka-acls.md).
 *
 * Invariants the rules keep:
 * - an operator reads only its own `operator.<id>.*` topics and joins only consumer groups named
 *   `<id>.…`; it writes only the three topics that carry requests to the central bank;
 * - the regulator reads only its reports and the answers to its own audit records, and writes only
 *   ledger commands (the audit records);
 * - nobody but a super user (the central bank, the stack's admin, the broker itself) creates,
 *   deletes or reconfigures a topic, or reads another party's topic.
 *
 * The rules are plain data (`kafkaOperatorAclRules`, `kafkaRegulatorAclRules`), so a unit test can
 * read them; `provisionKafkaAcls` writes them to the broker and is idempotent (the broker keeps one
 * copy of a binding however often it is created).
 */
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes, type Admin, type AclEntry, type Kafka } from 'kafkajs';
import {
  anchorEndorsementsTopic,
  centralBankControlTopic,
  ledgerCommandsTopic,
  operatorAnchorTopic,
  operatorEventsTopic,
  regulatorReportsTopic,
} from '@cbdc/contracts';

/** The principal of the regulator, and the pseudo-operator id its audit-record answers are addressed to. */
export const kafkaRegulatorPrincipal = 'regulator';

export type KafkaAclOperation = 'read' | 'write' | 'describe';

/** One permission: an operation on a topic or group, named literally or by prefix. */
export interface KafkaAclRule {
  readonly resource: 'topic' | 'group';
  readonly name: string;
  readonly pattern: 'literal' | 'prefixed';
  readonly operation: KafkaAclOperation;
}

/** The permissions of one principal (`User:<name>` on the broker). */
export interface KafkaPrincipalAcls {
  readonly principal: string;
  readonly rules: readonly KafkaAclRule[];
}

/** The topics the rules name; tests may substitute their own names. */
export interface KafkaAclTopics {
  readonly ledgerCommands: string;
  readonly control: string;
  readonly anchorEndorsements: string;
  readonly regulatorReports: string;
}

export const kafkaAclTopicsDefault: KafkaAclTopics = {
  ledgerCommands: ledgerCommandsTopic,
  control: centralBankControlTopic,
  anchorEndorsements: anchorEndorsementsTopic,
  regulatorReports: regulatorReportsTopic,
};

/** The consumer groups of a party are `<id>.<purpose>`, e.g. `bank-a.events`, `regulator.reports`. */
export function kafkaGroupPrefixOf(principal: string): string {
  return `${principal}.`;
}

function readable(topic: string): KafkaAclRule[] {
  // READ implies DESCRIBE on the broker; DESCRIBE is listed anyway so the rule says what it allows.
  return [
    { resource: 'topic', name: topic, pattern: 'literal', operation: 'read' },
    { resource: 'topic', name: topic, pattern: 'literal', operation: 'describe' },
  ];
}

function writable(topic: string): KafkaAclRule[] {
  return [
    { resource: 'topic', name: topic, pattern: 'literal', operation: 'write' },
    { resource: 'topic', name: topic, pattern: 'literal', operation: 'describe' },
  ];
}

function ownGroups(principal: string): KafkaAclRule[] {
  return [{ resource: 'group', name: kafkaGroupPrefixOf(principal), pattern: 'prefixed', operation: 'read' }];
}

/**
 * An operator writes ledger commands, control requests (issue, recall, pings) and anchor
 * endorsements; it reads the central bank's answers and block proposals on its own topics only.
 * Its producer is idempotent, which since Kafka 3.0 needs WRITE on a topic, not IDEMPOTENT_WRITE
 * on the cluster, so no cluster permission is granted.
 */
export function kafkaOperatorAclRules(operatorId: string, topics: KafkaAclTopics = kafkaAclTopicsDefault): KafkaPrincipalAcls {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(operatorId) || operatorId === kafkaRegulatorPrincipal) {
    throw new Error(`${JSON.stringify(operatorId)} is not an operator id`);
  }
  return {
    principal: operatorId,
    rules: [
      ...writable(topics.ledgerCommands),
      ...writable(topics.control),
      ...writable(topics.anchorEndorsements),
      ...readable(operatorEventsTopic(operatorId)),
      ...readable(operatorAnchorTopic(operatorId)),
      ...ownGroups(operatorId),
    ],
  };
}

/** The regulator reads its reports and the answers to its audit records; it writes audit records as ledger commands. */
export function kafkaRegulatorAclRules(topics: KafkaAclTopics = kafkaAclTopicsDefault): KafkaPrincipalAcls {
  return {
    principal: kafkaRegulatorPrincipal,
    rules: [
      ...readable(topics.regulatorReports),
      ...readable(operatorEventsTopic(kafkaRegulatorPrincipal)),
      ...writable(topics.ledgerCommands),
      ...ownGroups(kafkaRegulatorPrincipal),
    ],
  };
}

/** The permissions of every party of the system but the super users. */
export function kafkaSystemAcls(operatorIds: readonly string[], topics: KafkaAclTopics = kafkaAclTopicsDefault): KafkaPrincipalAcls[] {
  return [...operatorIds.map((id) => kafkaOperatorAclRules(id, topics)), kafkaRegulatorAclRules(topics)];
}

const operationTypes: Readonly<Record<KafkaAclOperation, AclOperationTypes>> = {
  read: AclOperationTypes.READ,
  write: AclOperationTypes.WRITE,
  describe: AclOperationTypes.DESCRIBE,
};

/** The broker's form of the rules: ALLOW bindings for `User:<principal>` from any host. */
export function kafkaAclEntriesOf(acls: KafkaPrincipalAcls): AclEntry[] {
  return acls.rules.map((rule) => ({
    resourceType: rule.resource === 'topic' ? AclResourceTypes.TOPIC : AclResourceTypes.GROUP,
    resourceName: rule.name,
    resourcePatternType: rule.pattern === 'literal' ? ResourcePatternTypes.LITERAL : ResourcePatternTypes.PREFIXED,
    principal: `User:${acls.principal}`,
    host: '*',
    operation: operationTypes[rule.operation],
    permissionType: AclPermissionTypes.ALLOW,
  }));
}

/** Bindings per CreateAcls request: bounds one request's size. */
export const aclEntriesPerRequestMax = 100;

/**
 * Writes the permissions to the broker (as a super user). Idempotent: an existing binding is not
 * duplicated. Returns how many bindings were requested.
 */
export async function provisionKafkaAcls(kafka: Kafka, principals: readonly KafkaPrincipalAcls[]): Promise<number> {
  const entries = principals.flatMap(kafkaAclEntriesOf);
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    for (let start = 0; start < entries.length; start += aclEntriesPerRequestMax) {
      await admin.createAcls({ acl: entries.slice(start, start + aclEntriesPerRequestMax) });
    }
  } finally {
    await admin.disconnect();
  }
  return entries.length;
}
