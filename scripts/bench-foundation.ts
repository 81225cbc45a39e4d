/**
 * `npm run bench:foundation`: how long a fresh clone takes to be up, how long `npm test` takes,
 * and how much memory each process holds when idle.
 *
 *   1. `git clone` this repository's committed HEAD into a temporary folder.
 *   2. First `npm start` there, with an EMPTY Kafka jar cache (so the Maven download counts) and
 *      no node_modules (so `npm ci` counts; npm's own download cache is whatever the machine has).
 *      Timed from the command to "all apps are up". Then Ctrl-C (SIGINT), timed to exit.
 *   3. Second `npm start` in the same clone (dependencies, build, jars and data present).
 *   4. Idle memory: 20 s after ready, the resident set (RSS) of each app, of Redis, of Kafka, and
 *      the proportional set (PSS, shared memory split fairly) summed over PostgreSQL's processes.
 *   5. `npm test` in the clone, timed.
 * The clone's stack uses its own ports, so a developer's running stack is not disturbed, but the
 * apps' ports (7100-7103) must be free.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, realpathSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { upsertBenchmarkSection } from './benchmarks-md';

const root = resolve(__dirname, '..', '..');
const readyTimeoutMs = 30 * 60_000;
const idleSettleMs = 20_000;
const stackPorts = { STACK_PG_PORT: '55632', STACK_REDIS_PORT: '56579', STACK_KAFKA_PORT: '59292', STACK_KAFKA_CONTROLLER_PORT: '59293' };
/** The clone's `npm test` stack, away from the developer's test stack too. */
const testStackPorts = { TEST_STACK_PG_PORT: '55732', TEST_STACK_REDIS_PORT: '56679', TEST_STACK_KAFKA_PORT: '59392', TEST_STACK_KAFKA_CONTROLLER_PORT: '59393' };

function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}

async function timedStart(clone: string, env: NodeJS.ProcessEnv): Promise<{ readyMs: number; child: ChildProcess }> {
  const began = Date.now();
  const child = spawn('npm', ['start'], { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  return new Promise((resolveReady, rejectReady) => {
    const timer = setTimeout(() => rejectReady(new Error(`npm start was not ready in time:\n${output.slice(-3000)}`)), readyTimeoutMs);
    const onData = (data: Buffer) => {
      output += data.toString();
      if (output.includes('all apps are up')) {
        clearTimeout(timer);
        resolveReady({ readyMs: Date.now() - began, child });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      rejectReady(new Error(`npm start exited (${code}) before it was ready:\n${output.slice(-3000)}`));
    });
  });
}

async function stop(child: ChildProcess): Promise<number> {
  const began = Date.now();
  await new Promise<void>((resolveStop) => {
    child.once('exit', () => resolveStop());
    process.kill(-child.pid!, 'SIGINT');
  });
  return Date.now() - began;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

function pssMb(pid: number): number {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  return Number(/Pss:\s+(\d+)/.exec(rollup)![1]) / 1024;
}

/** The processes whose parent is `parent` (PostgreSQL's backends and workers). */
function childrenOf(parent: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        return Number(/PPid:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) === parent;
      } catch {
        return false;
      }
    });
}

async function main(): Promise<void> {
  const workdir = mkdtempSync(join(tmpdir(), 'cbdc-fresh-'));
  const clone = join(workdir, 'cbdc');
  const jarCache = join(workdir, 'jar-cache');
  execFileSync('git', ['clone', '--quiet', root, clone], { stdio: 'inherit' });
  const env: NodeJS.ProcessEnv = { ...process.env, ...stackPorts, ...testStackPorts, CBDC_CACHE_DIR: jarCache, STACK_DIR: join(clone, '.stack') };

  console.log(`fresh clone in ${clone}: first npm start (empty Kafka jar cache, no node_modules)`);
  const first = await timedStart(clone, env);
  console.log(`first npm start ready in ${seconds(first.readyMs)} s`);
  const firstStopMs = await stop(first.child);

  console.log('second npm start');
  const second = await timedStart(clone, env);
  console.log(`second npm start ready in ${seconds(second.readyMs)} s; waiting ${idleSettleMs / 1000} s for idle`);
  await new Promise((resolveWait) => setTimeout(resolveWait, idleSettleMs));
  const stackDir = join(clone, '.stack');
  const apps = JSON.parse(readFileSync(join(stackDir, 'apps.json'), 'utf8')) as { name: string; pid: number }[];
  const memory: Record<string, number> = {};
  for (const app of apps) memory[app.name] = rssMb(app.pid);
  memory.redis = rssMb(Number(readFileSync(join(stackDir, 'redis', 'redis.pid'), 'utf8').trim()));
  memory.kafka = rssMb(Number(readFileSync(join(stackDir, 'kafka', 'kafka.pid'), 'utf8').trim()));
  // PostgreSQL's folder may be a link out of the stack folder (scripts/stack.sh, PG_DIR).
  const postmaster = Number(readFileSync(join(realpathSync(join(stackDir, 'postgres')), 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const postgresPids = [postmaster, ...childrenOf(postmaster)];
  memory['postgres (PSS, all processes)'] = Math.round(postgresPids.reduce((sum, pid) => sum + pssMb(pid), 0));
  const secondStopMs = await stop(second.child);

  console.log('npm test in the clone');
  const testBegan = Date.now();
  let testsPassed = true;
  try {
    execFileSync('npm', ['test'], { cwd: clone, env: { ...process.env, ...testStackPorts, CBDC_CACHE_DIR: jarCache }, stdio: 'inherit' });
  } catch {
    testsPassed = false;
  }
  const testMs = Date.now() - testBegan;

  const figures = {
    firstStartReadySeconds: seconds(first.readyMs),
    firstStopSeconds: seconds(firstStopMs),
    secondStartReadySeconds: seconds(second.readyMs),
    secondStopSeconds: seconds(secondStopMs),
    npmTestSeconds: seconds(testMs),
    npmTestPassed: testsPassed,
    idleMemoryMb: memory,
    measuredAt: new Date().toISOString(),
  };
  console.log(JSON.stringify(figures, null, 2));
  mkdirSync(join(root, 'bench-results'), { recursive: true });
  writeFileSync(join(root, 'bench-results', 'foundation.json'), `${JSON.stringify(figures, null, 2)}\n`);
  upsertBenchmarkSection(
    root,
    'foundation',
    `## Start-up, test time and idle memory (\`npm run bench:foundation\`)

Command: \`npm run bench:foundation\` (${figures.measuredAt.slice(0, 10)}): a \`git clone\` of HEAD into a temporary folder, then
\`npm start\` twice and \`npm test\` there. The first start has no \`node_modules\` and an empty Kafka jar
cache (npm's download cache is the machine's).

| figure | value |
|---|---|
| fresh clone -> \`npm start\` ready, first run (npm ci, Maven download of Kafka, initdb, build) | ${figures.firstStartReadySeconds} s |
| \`npm start\` ready, second run | ${figures.secondStartReadySeconds} s |
| Ctrl-C -> everything stopped (first / second run) | ${figures.firstStopSeconds} s / ${figures.secondStopSeconds} s |
| \`npm test\` wall time (${testsPassed ? 'passed' : 'FAILED'}) | ${figures.npmTestSeconds} s |

Idle memory, 20 s after ready:

| process | MB |
|---|---|
${Object.entries(memory)
  .map(([name, mb]) => `| ${name} (${name.startsWith('postgres') ? 'PSS' : 'RSS'}) | ${mb} |`)
  .join('\n')}

Raw figures: \`bench-results/foundation.json\`.`,
  );
  if (!existsSync(join(clone, 'node_modules'))) throw new Error('the clone has no node_modules: npm start did not install them');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
