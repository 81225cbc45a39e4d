/**
 * Runs the ledger engine alone in its own process, for tests that kill it (SIGKILL) mid-batch and
 * start it again. Settings come from the environment; it prints `ready` once consuming.
 */
import { fromHex } from '@cbdc/crypto';
import { createPolicy } from '@cbdc/ledger';
import { createLogger } from '@cbdc/platform';
import { startLedgerEngine } from '../ledger-engine.runtime';

async function main(): Promise<void> {
  const env = process.env;
  const policy = createPolicy();
  const runtime = await startLedgerEngine({
    databaseUrl: env.ENGINE_DATABASE_URL!,
    kafkaBrokers: env.KAFKA_BROKERS!.split(','),
    topic: env.ENGINE_TOPIC!,
    partitions: Number(env.ENGINE_PARTITIONS ?? '1'),
    consumerGroup: env.ENGINE_GROUP!,
    centralBankPublicKey: fromHex(env.ENGINE_CENTRAL_BANK_PUBLIC_KEY!),
    policy: () => policy,
    logger: createLogger({ app: 'engine-process', level: 'warn' }),
    batchSizeMax: Number(env.ENGINE_BATCH_SIZE ?? '500'),
    verifyPoolSize: 1,
  });
  process.stdout.write('ready\n');
  process.on('SIGTERM', () => void runtime.close().then(() => process.exit(0)));
}

void main();
