/**
 * `npm start`, after the stack is up and the code is built: starts every app as a child process,
 * waits until each is healthy, prints where each listens, appends their URLs to `.stack/env`, and
 * stays up until Ctrl-C (SIGINT) or SIGTERM, then stops the apps cleanly. The shell wrapper
 * (scripts/start.sh) then stops the stack.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { appEnv, appUrl, parseEnvFile, systemApps, waitForHealthy } from './system-processes';

const healthyTimeoutMs = 90_000;
const stopTimeoutMs = 15_000;
const appsMarker = '# apps (written by npm start)';

async function main(): Promise<void> {
  const root = resolve(__dirname, '..', '..');
  const stackDir = process.env.STACK_DIR ?? join(root, '.stack');
  const envFile = join(stackDir, 'env');
  const stackEnv = parseEnvFile(readFileSync(envFile, 'utf8'));
  const logDir = join(stackDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  ensureRegulatorKeys(root, stackDir);

  const children = new Map<string, ChildProcess>();
  let stopping = false;
  const stopAll = async (code: number): Promise<never> => {
    if (!stopping) {
      stopping = true;
      console.log('stopping the apps ...');
      await Promise.all([...children.values()].map((child) => stopChild(child)));
      writeAppUrls(envFile, null);
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  for (const app of systemApps) {
    const log = createWriteStream(join(logDir, `${app.name}.log`), { flags: 'a' });
    // APP_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof": node flags for every app, to profile
    // the running system (node refuses --cpu-prof in NODE_OPTIONS).
    const nodeArgs = (process.env.APP_NODE_ARGS ?? '').split(/\s+/).filter((arg) => arg.length > 0);
    const child = spawn(process.execPath, [...nodeArgs, join(root, app.entry)], {
      cwd: root,
      env: appEnv(app, stackEnv),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    child.on('exit', (code, signal) => {
      if (!stopping) {
        console.error(`${app.name} exited (${signal ?? code}); see ${join(logDir, `${app.name}.log`)}`);
        void stopAll(1);
      }
    });
    children.set(app.name, child);
  }

  try {
    await Promise.all(
      systemApps.map(async (app) => {
        const child = children.get(app.name)!;
        await waitForHealthy(appUrl(app), healthyTimeoutMs, () => child.exitCode === null);
        console.log(`${app.name.padEnd(13)} ready at ${appUrl(app)}  (OpenAPI ${appUrl(app)}/docs, logs .stack/logs/${app.name}.log)`);
      }),
    );
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    await stopAll(1);
  }
  writeAppUrls(envFile, systemApps.map((app) => `${app.urlVariable}=${appUrl(app)}`));
  // Where each app runs, for tools that measure it (scripts/bench-foundation.ts).
  writeFileSync(
    join(stackDir, 'apps.json'),
    `${JSON.stringify(systemApps.map((app) => ({ name: app.name, pid: children.get(app.name)!.pid, url: appUrl(app) })), null, 2)}\n`,
  );
  const begin = process.env.START_BEGIN_NS ? Number(BigInt(process.env.START_BEGIN_NS) / 1_000_000n) : null;
  const readyMs = begin === null ? null : Date.now() - begin;
  if (readyMs !== null) writeFileSync(join(stackDir, 'start-ready-ms'), `${readyMs}\n`);
  console.log(`all apps are up${readyMs === null ? '' : ` (${(readyMs / 1000).toFixed(1)} s after npm start)`}; settings in ${envFile}. Ctrl-C stops everything.`);
}

/**
 * The regulator's demo key ceremony (3 officials, any 2 unmask), run once per stack folder before
 * the apps start: the central bank, the banks and the regulator read `<stack>/regulator/` at
 * start. Demo keys are made here, never committed (docs/decisions/0013-escrow-and-unmasking.md).
 */
function ensureRegulatorKeys(root: string, stackDir: string): void {
  const folder = join(stackDir, 'regulator');
  if (existsSync(join(folder, 'regulator-public.json'))) return;
  const ceremony = spawnSync(
    process.execPath,
    [join(root, 'dist/apps/cli/src/main.js'), 'regulator', 'keygen', '--officials', '3', '--threshold', '2', '--out', folder],
    { cwd: root, stdio: 'inherit' },
  );
  if (ceremony.status !== 0) throw new Error(`the regulator key ceremony failed (exit ${ceremony.status ?? ceremony.signal})`);
}

/** Replaces the apps' block at the end of the env file (or removes it when lines is null). */
function writeAppUrls(envFile: string, lines: string[] | null): void {
  const text = readFileSync(envFile, 'utf8');
  const at = text.indexOf(appsMarker);
  const base = (at >= 0 ? text.slice(0, at) : text).replace(/\n*$/, '\n');
  writeFileSync(envFile, lines ? `${base}${appsMarker}\n${lines.join('\n')}\n` : base);
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolveStop) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolveStop();
    const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}

void main();
