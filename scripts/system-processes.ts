/**
 * The processes of the running system and how each is started: shared by `npm start`, the demo
 * and the load tests, so there is one list of apps, ports and settings.
 */
import { readFileSync } from 'node:fs';
// The file itself, not the platform's index: the supervisor need not load NestJS and kafkajs.
import { parseEnvFile } from '../libs/platform/src/config/env-file';

export { parseEnvFile };

export interface AppProcess {
  /** A name unique in the system: `central-bank`, `bank-a`, ... */
  readonly name: string;
  /** The compiled entry point, relative to the repository root. */
  readonly entry: string;
  readonly port: number;
  /** The variable of `.stack/env` that holds this app's database URL. */
  readonly databaseUrlVariable: string;
  /** The variable appended to `.stack/env` with the app's base URL. */
  readonly urlVariable: string;
  /** Who the app is to Kafka (docs/decisions/0015-kafka-acls.md): each party its own principal. */
  readonly kafkaPrincipal: string;
  readonly extraEnv: Readonly<Record<string, string>>;
}

/**
 * An app's port: the default, or the environment's `<APP>_PORT` (CENTRAL_BANK_PORT, BANK_A_PORT,
 * BANK_B_PORT, REGULATOR_PORT), so a second system (a load test's, a colleague's) can run beside
 * the default one on the same machine.
 */
function appPort(variable: string, defaultPort: number): number {
  const value = process.env[variable];
  if (value === undefined || value === '') return defaultPort;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${variable} must be a TCP port, got ${value}`);
  return port;
}

export const systemApps: readonly AppProcess[] = [
  {
    name: 'central-bank',
    kafkaPrincipal: 'central-bank',
    entry: 'dist/apps/central-bank/src/main.js',
    port: appPort('CENTRAL_BANK_PORT', 7100),
    databaseUrlVariable: 'DATABASE_URL_CENTRAL_BANK',
    urlVariable: 'CENTRAL_BANK_URL',
    extraEnv: {},
  },
  {
    name: 'bank-a',
    kafkaPrincipal: 'bank-a',
    entry: 'dist/apps/commercial-bank/src/main.js',
    port: appPort('BANK_A_PORT', 7101),
    databaseUrlVariable: 'DATABASE_URL_BANK_A',
    urlVariable: 'BANK_A_URL',
    extraEnv: { BANK_ID: 'bank-a' },
  },
  {
    name: 'bank-b',
    kafkaPrincipal: 'bank-b',
    entry: 'dist/apps/commercial-bank/src/main.js',
    port: appPort('BANK_B_PORT', 7102),
    databaseUrlVariable: 'DATABASE_URL_BANK_B',
    urlVariable: 'BANK_B_URL',
    extraEnv: { BANK_ID: 'bank-b' },
  },
  {
    name: 'regulator',
    kafkaPrincipal: 'regulator',
    entry: 'dist/apps/regulator/src/main.js',
    port: appPort('REGULATOR_PORT', 7103),
    databaseUrlVariable: 'DATABASE_URL_REGULATOR',
    urlVariable: 'REGULATOR_URL',
    extraEnv: {},
  },
];

export function appUrl(app: AppProcess): string {
  return `http://127.0.0.1:${app.port}`;
}

/** The environment one app runs with, from the stack's settings. */
export function appEnv(app: AppProcess, stackEnv: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const databaseUrl = stackEnv[app.databaseUrlVariable];
  if (!databaseUrl) throw new Error(`${app.databaseUrlVariable} is missing from the stack settings`);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  return {
    ...env,
    ...app.extraEnv,
    // A bank's staff keys go to its own stack's folder (the default is `.stack/`), unless set.
    ...(app.extraEnv.BANK_ID && process.env.STACK_DIR && !process.env.API_KEYS_FILE
      ? { API_KEYS_FILE: `${process.env.STACK_DIR}/${app.name}-api-keys.json` }
      : {}),
    PORT: String(app.port),
    DATABASE_URL: databaseUrl,
    REDIS_URL: required(stackEnv, 'REDIS_URL'),
    KAFKA_BROKERS: required(stackEnv, 'KAFKA_BROKERS'),
    ...kafkaSaslEnvOf(app, stackEnv),
  };
}

/**
 * The app's own Kafka principal from the stack's credentials file, replacing the admin principal
 * that `.stack/env` names for tools: a bank started here can read only its own topics. A stack whose
 * broker does not authenticate (no KAFKA_CREDENTIALS_FILE) gives none.
 */
function kafkaSaslEnvOf(app: AppProcess, stackEnv: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const file = stackEnv.KAFKA_CREDENTIALS_FILE;
  if (!file) return {};
  const credentials = JSON.parse(readFileSync(file, 'utf8')) as { mechanism?: string; principals?: Record<string, string> };
  const password = credentials.principals?.[app.kafkaPrincipal];
  if (!credentials.mechanism || !password) throw new Error(`${file} has no Kafka password for ${app.kafkaPrincipal}`);
  return { KAFKA_SASL_MECHANISM: credentials.mechanism, KAFKA_SASL_USERNAME: app.kafkaPrincipal, KAFKA_SASL_PASSWORD: password };
}

function required(env: Readonly<Record<string, string | undefined>>, key: string): string {
  const value = env[key];
  if (!value) throw new Error(`${key} is missing from the stack settings`);
  return value;
}


/** Polls `GET <url>/health` until it answers 200, or throws after the timeout. */
export async function waitForHealthy(url: string, timeoutMs: number, isAlive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`process behind ${url} exited before it was healthy`);
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
      last = `HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} was not healthy within ${timeoutMs} ms (last: ${last})`);
}
