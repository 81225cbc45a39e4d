import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseEnvFile } from '@cbdc/platform';

const execFileAsync = promisify(execFile);

/** The root of the repository (the folder with the project's package.json). */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate) && (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === 'cbdc') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no cbdc package.json above ${__dirname}`);
    dir = parent;
  }
}

/** What `scripts/stack.sh up` writes to `$STACK_DIR/env`. */
export interface StackEnv {
  DATABASE_URL_CENTRAL_BANK: string;
  DATABASE_URL_BANK_A: string;
  DATABASE_URL_BANK_B: string;
  DATABASE_URL_REGULATOR: string;
  /** A role that may CREATE DATABASE: tests make a fresh database each. */
  DATABASE_ADMIN_URL: string;
  REDIS_URL: string;
  KAFKA_BROKERS: string;
  /**
   * The stack's Kafka admin principal (a super user) and the file with every principal's password
   * (docs/decisions/0015-kafka-acls.md); absent for a stack whose broker does not authenticate.
   */
  KAFKA_SASL_MECHANISM?: string;
  KAFKA_SASL_USERNAME?: string;
  KAFKA_SASL_PASSWORD?: string;
  KAFKA_CREDENTIALS_FILE?: string;
}

const stackEnvKeys: ReadonlyArray<keyof StackEnv> = [
  'DATABASE_URL_CENTRAL_BANK',
  'DATABASE_URL_BANK_A',
  'DATABASE_URL_BANK_B',
  'DATABASE_URL_REGULATOR',
  'DATABASE_ADMIN_URL',
  'REDIS_URL',
  'KAFKA_BROKERS',
];

const kafkaSaslKeys: ReadonlyArray<keyof StackEnv> = ['KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'KAFKA_CREDENTIALS_FILE'];

/**
 * The test stack's settings and how to drive its script: its own data folder and ports, so the
 * tests never touch the data of `npm start`. Matches `use_test_stack` in scripts/lib.sh.
 */
export function testStackScriptEnv(): Record<string, string> {
  return {
    STACK_DIR: process.env.STACK_DIR ?? path.join(repoRoot(), '.stack-test'),
    STACK_PG_PORT: process.env.STACK_PG_PORT ?? '55532',
    STACK_REDIS_PORT: process.env.STACK_REDIS_PORT ?? '56479',
    STACK_KAFKA_PORT: process.env.STACK_KAFKA_PORT ?? '59192',
    STACK_KAFKA_CONTROLLER_PORT: process.env.STACK_KAFKA_CONTROLLER_PORT ?? '59193',
  };
}


/**
 * The test stack's settings: from the environment when `npm test` exported them, else from
 * `$STACK_DIR/env` of the test stack. Throws with the command to run when neither has them.
 *
 * Read from the file, the Kafka admin credentials are also put into this process's environment
 * (unless it names a principal already): that is where createKafka looks when a test does not
 * pass credentials, and what apps started by startApp inherit, so tests connect as the stack's
 * super user unless they test isolation (test/kafka-isolation.int.spec.ts).
 */
export function testStackEnv(): StackEnv {
  if (stackEnvKeys.every((key) => process.env[key])) {
    const fromEnvironment = [...stackEnvKeys, ...kafkaSaslKeys].filter((key) => process.env[key]).map((key) => [key, process.env[key]!]);
    return Object.fromEntries(fromEnvironment) as unknown as StackEnv;
  }
  const file = path.join(testStackScriptEnv().STACK_DIR, 'env');
  if (!existsSync(file)) {
    throw new Error(
      `the test stack is not running (no ${file}); start it with: ` +
        'STACK_DIR=$PWD/.stack-test STACK_PG_PORT=55532 STACK_REDIS_PORT=56479 STACK_KAFKA_PORT=59192 STACK_KAFKA_CONTROLLER_PORT=59193 bash scripts/stack.sh up',
    );
  }
  const fromFile = parseEnvFile(readFileSync(file, 'utf8'));
  const missing = stackEnvKeys.filter((key) => !fromFile[key]);
  if (missing.length > 0) throw new Error(`${file} lacks ${missing.join(', ')}`);
  const sasl = kafkaSaslKeys.filter((key) => fromFile[key]);
  if (!process.env.KAFKA_SASL_USERNAME) for (const key of sasl) process.env[key] = fromFile[key];
  return Object.fromEntries([...stackEnvKeys, ...sasl].map((key) => [key, fromFile[key]!])) as unknown as StackEnv;
}

/** A Kafka principal's credentials on the test stack, from its credentials file, e.g. `bank-a`. */
export function kafkaCredentialsOf(env: StackEnv, principal: string): { mechanism: 'scram-sha-512'; username: string; password: string } {
  if (!env.KAFKA_CREDENTIALS_FILE) throw new Error('the test stack names no Kafka credentials file: is it a stack from before Kafka authentication? reset it');
  const credentials = JSON.parse(readFileSync(env.KAFKA_CREDENTIALS_FILE, 'utf8')) as { mechanism?: string; principals?: Record<string, string> };
  const password = credentials.principals?.[principal];
  if (credentials.mechanism !== 'scram-sha-512' || !password) throw new Error(`${env.KAFKA_CREDENTIALS_FILE} has no scram-sha-512 password for ${principal}`);
  return { mechanism: 'scram-sha-512', username: principal, password };
}

export function kafkaBrokersOf(env: StackEnv): string[] {
  return env.KAFKA_BROKERS.split(',').map((broker) => broker.trim());
}

/** Longest a stack operation (a restart of Redis, say) may take in a test. */
export const stackCommandTimeoutMs = 120_000;

/** Runs `scripts/stack.sh <args>` against the test stack, e.g. `['down', 'redis']`. */
export async function testStack(...args: string[]): Promise<string> {
  const root = repoRoot();
  const { stdout } = await execFileAsync('bash', [path.join(root, 'scripts', 'stack.sh'), ...args], {
    cwd: root,
    env: { ...process.env, ...testStackScriptEnv() },
    timeout: stackCommandTimeoutMs,
  });
  return stdout;
}
