/**
 * Creates the system's Kafka topics and, with KAFKA_ACLS=true, the ACLs of every principal but the
 * super users (both idempotent), run by scripts/stack.sh once the broker is up, as the stack's admin:
 *
 *   KAFKA_BROKERS=127.0.0.1:59092 KAFKA_SASL_USERNAME=admin KAFKA_SASL_PASSWORD=... KAFKA_ACLS=true \
 *     [LEDGER_PARTITIONS=1] [OPERATOR_IDS=bank-a,bank-b] node_modules/.bin/tsx scripts/create-topics.ts
 *
 * Operators and the regulator may not create topics (docs/decisions/0015-kafka-acls.md), so every
 * topic they use is created here, the regulator's too. Prints one line saying what it did.
 * tsx resolves the `@cbdc/*` paths of tsconfig.json.
 */
import { ledgerPartitionsDefault, operatorEventsTopic, operatorIdsDefault, regulatorReportsTopic, systemTopics } from '@cbdc/contracts';
import { createKafka, ensureTopics, exitOnConfigError, kafkaRegulatorPrincipal, kafkaSystemAcls, loadSettings, provisionKafkaAcls, setting } from '@cbdc/platform';

const settings = exitOnConfigError(() =>
  loadSettings({
    KAFKA_BROKERS: setting.list({ itemPattern: /^[^\s:]+:\d{1,5}$/, itemPatternHint: 'host:port' }),
    LEDGER_PARTITIONS: setting.int({ min: 1, max: 256, default: ledgerPartitionsDefault }),
    OPERATOR_IDS: setting.list({ default: operatorIdsDefault, itemPattern: /^[a-z0-9][a-z0-9-]{0,62}$/, itemPatternHint: 'an operator id like bank-a' }),
    /** Whether the broker has an authorizer whose ACLs this script provisions (the local stack's has). */
    KAFKA_ACLS: setting.bool({ default: false }),
  }),
);

/** A group nobody joins, looked up once so the broker creates its group coordinator. */
const coordinatorWarmUpGroupId = 'stack.coordinator-warm-up';

async function main(): Promise<void> {
  // The credentials come from the environment (KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD): see createKafka.
  const kafka = createKafka({ brokers: settings.KAFKA_BROKERS, clientId: 'create-topics' });
  const topics = [
    ...systemTopics(settings.OPERATOR_IDS, settings.LEDGER_PARTITIONS),
    { name: regulatorReportsTopic, partitions: 1 },
    { name: operatorEventsTopic(kafkaRegulatorPrincipal), partitions: 1 },
  ];
  const result = await ensureTopics(kafka, topics);
  const parts = [`created ${result.created.length}`, `existing ${result.existing.length}`];
  if (result.grown.length > 0) parts.push(`grown ${result.grown.length}`);
  if (settings.KAFKA_ACLS) {
    const principals = kafkaSystemAcls(settings.OPERATOR_IDS);
    const bindings = await provisionKafkaAcls(kafka, principals);
    parts.push(`${bindings} ACL bindings for ${principals.map((p) => p.principal).join(', ')}`);
  }
  // The group coordinator lives on the offsets topic, which the broker creates at the first group
  // lookup; a consumer joining while its leader settles is answered NOT_COORDINATOR. Looking a
  // group up here (with the admin's retries) leaves a stack whose first consumer joins at once.
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.describeGroups([coordinatorWarmUpGroupId]);
  } finally {
    await admin.disconnect();
  }
  console.log(`topics on ${settings.KAFKA_BROKERS.join(',')}: ${parts.join(', ')} (${topics.map((t) => `${t.name}/${t.partitions}`).join(' ')})`);
}

main().catch((error: unknown) => {
  console.error(`create-topics failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
