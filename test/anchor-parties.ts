/**
 * The parties of the anchor log for the integration tests in this folder, on the real test stack:
 * a fresh central-bank database (migrated, with its key) and two banks, each with a fresh database,
 * its operator key, one open wallet known to both ledgers, and its endorser consuming its own
 * anchor topic; the central bank's sealer (ticked by the test, not by a timer) and its endorsement
 * collector. `stop` takes all of it down and drops the databases.
 */
import path from 'node:path';
import type { Kafka, Producer } from 'kafkajs';
import { Pool } from 'pg';
import { anchorEndorsementsTopic, operatorAnchorTopic } from '@cbdc/contracts';
import { generateKeyPair } from '@cbdc/crypto';
import { createKafka, createProducer, ensureTopics, runMigrations, type Logger } from '@cbdc/platform';
import { freshDatabase, kafkaBrokersOf, repoRoot, testStackEnv, type FreshDatabase } from '@cbdc/testing';
import { AnchorSealer, type AnchorSealerSettings } from '../apps/central-bank/src/anchor/anchor-sealer.service';
import { AnchorEndorsementsConsumer } from '../apps/central-bank/src/anchor/anchor-endorsements.consumer';
import { loadOrCreateCentralBankKey, type CentralBankKey } from '../apps/central-bank/src/keys/central-bank-key';
import { EndorsementService } from '../apps/commercial-bank/src/endorsement/endorsement.service';
import { AnchorProposalsConsumer } from '../apps/commercial-bank/src/endorsement/anchor-proposals.consumer';
import { loadOrCreateOperatorKey, type OperatorKey } from '../apps/commercial-bank/src/keys/operator-key';

export interface AnchorBank {
  id: string;
  database: FreshDatabase;
  pool: Pool;
  key: OperatorKey;
  walletId: string;
  service: EndorsementService;
  consumer: AnchorProposalsConsumer;
}

export interface AnchorParties {
  kafka: Kafka;
  producer: Producer;
  centralDatabase: FreshDatabase;
  central: Pool;
  centralKey: CentralBankKey;
  /** bank-a, then bank-b (ids end with the suffix). */
  banks: AnchorBank[];
  sealer: AnchorSealer;
  collector: AnchorEndorsementsConsumer;
  stop(): Promise<void>;
}

export interface AnchorPartiesOptions {
  /** Prefix of the databases and the Kafka client and group ids, e.g. `anchor`. */
  name: string;
  suffix: string;
  /** The sealer's and collector's settings; kept by reference, so a test may change them later. */
  settings: AnchorSealerSettings;
  /** How long a bank's endorser waits for its books (ANCHOR_RECORDS_WAIT_MS). */
  recordsWaitMs: number;
  logger: Logger;
}

export async function startAnchorParties(options: AnchorPartiesOptions): Promise<AnchorParties> {
  const { name, suffix, settings, recordsWaitMs, logger } = options;
  const kafka = createKafka({ brokers: kafkaBrokersOf(testStackEnv()), clientId: `test-${name}-${suffix}` });
  const producer = await createProducer(kafka);
  const centralDatabase = await freshDatabase(`${name.replace(/-/g, '_')}_central`);
  const central = new Pool({ connectionString: centralDatabase.url, max: 6 });
  await runMigrations(central, path.join(repoRoot(), 'apps/central-bank/migrations'));
  const centralKey = await loadOrCreateCentralBankKey(central);

  const banks: AnchorBank[] = [];
  for (const letter of ['a', 'b']) {
    const id = `bank-${letter}${suffix}`;
    const database = await freshDatabase(`${name.replace(/-/g, '_')}_bank_${letter}`);
    const pool = new Pool({ connectionString: database.url, max: 4 });
    await runMigrations(pool, path.join(repoRoot(), 'apps/commercial-bank/migrations'));
    const key = await loadOrCreateOperatorKey(pool, id);
    const walletId = `w${letter}${suffix}`;
    await central.query(`insert into operators (id, name, kind, public_key, reserve_ratio_bps, issue_quota_auto) values ($1, $1, 'bank', $2, 10000, 0)`, [id, Buffer.from(key.publicKey)]);
    await central.query('insert into wallets (id, operator_id, wallet_class, public_key) values ($1, $2, 4, $3)', [walletId, id, Buffer.from(generateKeyPair().publicKey)]);
    await pool.query(`insert into customers (id, name_sealed, phone_sealed) values ('c1', '\\x00', '\\x00')`);
    await pool.query(`insert into wallets (id, customer_id, wallet_class, public_key, status, request_id, command_id) values ($1, 'c1', 4, $2, 'open', 'r1', 'open-1')`, [
      walletId,
      Buffer.from(generateKeyPair().publicKey),
    ]);
    const service = new EndorsementService(pool, producer, logger, key, { CENTRAL_BANK_PUBLIC_KEY: centralKey.publicKeyHex, ANCHOR_RECORDS_WAIT_MS: recordsWaitMs });
    const consumer = new AnchorProposalsConsumer(kafka, logger, service, { BANK_ID: id, KAFKA_SESSION_TIMEOUT_MS: 10_000 });
    banks.push({ id, database, pool, key, walletId, service, consumer });
  }
  await ensureTopics(kafka, [{ name: anchorEndorsementsTopic, partitions: 1 }, ...banks.map((b) => ({ name: operatorAnchorTopic(b.id), partitions: 1 }))]);
  const sealer = new AnchorSealer(central, kafka, producer, logger, centralKey, settings);
  const collector = new AnchorEndorsementsConsumer(central, kafka, logger, { ...settings, CONSUMER_GROUP_PREFIX: `test-${name}-${suffix}` });
  await collector.onApplicationBootstrap();
  for (const bank of banks) await bank.consumer.onApplicationBootstrap();

  return {
    kafka,
    producer,
    centralDatabase,
    central,
    centralKey,
    banks,
    sealer,
    collector,
    stop: async () => {
      await collector.onModuleDestroy();
      for (const bank of banks) {
        await bank.consumer.onModuleDestroy();
        await bank.pool.end();
        await bank.database.drop();
      }
      await producer.disconnect();
      await central.end();
      await centralDatabase.drop();
    },
  };
}
