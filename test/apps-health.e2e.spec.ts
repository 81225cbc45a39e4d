// Proves that the three apps (the commercial bank twice, as bank-a and bank-b) start as processes against the real stack, answer a Kafka round trip and a BullMQ job, report Redis down with a reason when it stops, and report healthy again when it returns, without being restarted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { appEntry, freshDatabase, startApp, testStack, testStackEnv, waitFor, type AppProcess, type FreshDatabase } from '@cbdc/testing';

jest.setTimeout(300_000);

/** Ports away from `npm start`'s 7100..7103, so both can run at once. */
const apps = [
  { name: 'central-bank', entry: appEntry('central-bank'), port: 7300, env: {} },
  { name: 'bank-a', entry: appEntry('commercial-bank'), port: 7301, env: { BANK_ID: 'bank-a' } },
  { name: 'bank-b', entry: appEntry('commercial-bank'), port: 7302, env: { BANK_ID: 'bank-b' } },
  { name: 'regulator', entry: appEntry('regulator'), port: 7303, env: {} },
] as const;

async function http(method: 'GET' | 'POST', url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { method, signal: AbortSignal.timeout(20_000) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('apps as processes against the real stack', () => {
  const stack = testStackEnv();
  const databases = new Map<string, FreshDatabase>();
  const running = new Map<string, AppProcess>();
  // The API keys the apps make at first start go to a throwaway folder, not to a stack's.
  const keysDir = mkdtempSync(path.join(tmpdir(), 'cbdc-e2e-keys-'));

  beforeAll(async () => {
    for (const app of apps) databases.set(app.name, await freshDatabase(`e2e_${app.name.replace(/-/g, '_')}`));
    for (const app of apps) {
      running.set(
        app.name,
        startApp({
          name: app.name,
          entry: app.entry,
          port: app.port,
          env: {
            ...app.env,
            DATABASE_URL: databases.get(app.name)!.url,
            REDIS_URL: stack.REDIS_URL,
            KAFKA_BROKERS: stack.KAFKA_BROKERS,
            LOG_LEVEL: 'warn',
            API_KEYS_FILE: path.join(keysDir, `${app.name}-api-keys.json`),
          },
        }),
      );
    }
    await Promise.all([...running.values()].map((app) => app.waitUntilHealthy()));
  });

  afterAll(async () => {
    // Whatever happened above, leave Redis running for the next suite.
    await testStack('up', 'redis').catch(() => undefined);
    await Promise.all([...running.values()].map((app) => app.stop()));
    await Promise.all([...databases.values()].map((database) => database.drop()));
    rmSync(keysDir, { recursive: true, force: true });
  });

  it('each app says who it is and reports every dependency up', async () => {
    for (const app of apps) {
      const { url } = running.get(app.name)!;
      const info = await http('GET', `${url}/`);
      expect(info.status).toBe(200);
      expect(info.body.app).toBe(app.name.startsWith('bank-') ? 'commercial-bank' : app.name);
      expect(info.body.operatorId).toBe(app.name.startsWith('bank-') ? app.name : undefined);
      const health = await http('GET', `${url}/health`);
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({ status: 'ok', info: { postgres: { status: 'up' }, redis: { status: 'up' }, kafka: { status: 'up' } } });
    }
  });

  it('each app serves Prometheus metrics and its OpenAPI document', async () => {
    for (const app of apps) {
      const { url } = running.get(app.name)!;
      const metrics = await fetch(`${url}/metrics`);
      expect(metrics.status).toBe(200);
      const text = await metrics.text();
      expect(text).toContain('process_cpu_seconds_total');
      // The health calls above were timed, labelled by route.
      expect(text).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/health",method="GET",status_code="200"\} [1-9]/);
      const docs = await http('GET', `${url}/docs-json`);
      expect(docs.status).toBe(200);
      expect(Object.keys(docs.body.paths as object)).toEqual(expect.arrayContaining(['/', '/health', '/v1/diagnostics/job']));
    }
  });

  it('each bank gets a pong from the central bank over Kafka', async () => {
    for (const bank of ['bank-a', 'bank-b']) {
      const ping = await http('POST', `${running.get(bank)!.url}/v1/diagnostics/kafka-ping`);
      expect(ping.status).toBe(200);
      expect(typeof ping.body.roundTripMs).toBe('number');
      expect(ping.body.roundTripMs as number).toBeGreaterThan(0);
    }
  });

  it('each app runs a BullMQ job whose worker writes a row to its own database', async () => {
    for (const app of apps) {
      const job = await http('POST', `${running.get(app.name)!.url}/v1/diagnostics/job`);
      expect(job.status).toBe(200);
      const client = new Client({ connectionString: databases.get(app.name)!.url });
      await client.connect();
      try {
        const { rows } = await client.query('select queue from diagnostic_job_runs where job_id = $1', [job.body.jobId]);
        expect(rows).toEqual([{ queue: `${app.name}-diagnostics` }]);
      } finally {
        await client.end();
      }
    }
  });

  it('reports Redis down with a reason while it is stopped, and healthy again once it is back', async () => {
    const pids = new Map([...running].map(([name, app]) => [name, app.child.pid]));
    await testStack('down', 'redis');
    try {
      for (const app of running.values()) {
        const health = await waitFor(async () => {
          const result = await http('GET', `${app.url}/health`);
          return result.status === 503 ? result : undefined;
        }, 15_000, { what: `${app.name} /health to answer 503` });
        expect(health.body.status).toBe('error');
        const redis = (health.body.error as Record<string, { status: string; message: string }>).redis!;
        expect(redis.status).toBe('down');
        expect(redis.message.length).toBeGreaterThan(0);
        // Only Redis is down: the other dependencies are still reported up.
        expect(health.body.info).toMatchObject({ postgres: { status: 'up' }, kafka: { status: 'up' } });
      }
    } finally {
      await testStack('up', 'redis');
    }
    for (const app of running.values()) {
      await waitFor(async () => (await http('GET', `${app.url}/health`)).status === 200, 30_000, { what: `${app.name} healthy again` });
      expect(app.isRunning()).toBe(true);
      expect(app.child.pid).toBe(pids.get(app.name));
    }
    // And the job path works again through the same processes.
    const job = await http('POST', `${running.get('bank-a')!.url}/v1/diagnostics/job`);
    expect(job.status).toBe(200);
  });
});
