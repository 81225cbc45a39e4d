/**
 * Creates the system's Kafka topics (idempotent), run by scripts/stack.sh once the broker is up:
 *
 *   KAFKA_BROKERS=127.0.0.1:59092 [LEDGER_PARTITIONS=1] [OPERATOR_IDS=bank-a,bank-b] node_modules/.bin/tsx scripts/create-topics.ts
 *
 * Prints one line saying what it created. tsx resolves the `@cbdc/*` paths of tsconfig.json.
 */
import { ledgerPartitionsDefault, operatorIdsDefault, systemTopics } from '@cbdc/contracts';
import { createKafka, ensureTopics, exitOnConfigError, loadSettings, setting } from '@cbdc/platform';

const settings = exitOnConfigError(() =>
  loadSettings({
    KAFKA_BROKERS: setting.list({ itemPattern: /^[^\s:]+:\d{1,5}$/, itemPatternHint: 'host:port' }),
    LEDGER_PARTITIONS: setting.int({ min: 1, max: 256, default: ledgerPartitionsDefault }),
    OPERATOR_IDS: setting.list({ default: operatorIdsDefault, itemPattern: /^[a-z0-9][a-z0-9-]{0,62}$/, itemPatternHint: 'an operator id like bank-a' }),
  }),
);

async function main(): Promise<void> {
  const kafka = createKafka({ brokers: settings.KAFKA_BROKERS, clientId: 'create-topics' });
  const topics = systemTopics(settings.OPERATOR_IDS, settings.LEDGER_PARTITIONS);
  const result = await ensureTopics(kafka, topics);
  const parts = [`created ${result.created.length}`, `existing ${result.existing.length}`];
  if (result.grown.length > 0) parts.push(`grown ${result.grown.length}`);
  console.log(`topics on ${settings.KAFKA_BROKERS.join(',')}: ${parts.join(', ')} (${topics.map((t) => `${t.name}/${t.partitions}`).join(' ')})`);
}

main().catch((error: unknown) => {
  console.error(`create-topics failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
