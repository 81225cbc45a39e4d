import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './stack-env';

/** Lines of an app's output kept for the error message when it fails to start. */
export const appOutputLinesMax = 200;
export const appHealthyTimeoutMsDefault = 90_000;
export const appStopTimeoutMs = 15_000;

export interface StartAppOptions {
  /** A name for messages: `central-bank`, `bank-a`, ... */
  name: string;
  /** Compiled entry point relative to the repository root, e.g. `dist/apps/central-bank/src/main.js`. */
  entry: string;
  port: number;
  /** Added to the parent's environment (PORT is set from `port`). */
  env: Record<string, string>;
}

export interface AppProcess {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  /** The last lines the app wrote to stdout and stderr. */
  output(): string;
  isRunning(): boolean;
  /** Polls GET /health until 200; throws with the app's output if it exits or times out. */
  waitUntilHealthy(timeoutMs?: number): Promise<void>;
  /** SIGTERM, then SIGKILL if it has not exited in time. */
  stop(): Promise<void>;
}

/** The compiled entry point of an app (build first: `npm run build`). */
export function appEntry(app: 'central-bank' | 'commercial-bank' | 'regulator'): string {
  return `dist/apps/${app}/src/main.js`;
}

/**
 * Starts a compiled app as a child process of this one. Compiled JS rather than tsx: Nest's
 * dependency injection needs the decorator metadata that tsc emits and esbuild does not.
 */
export function startApp(options: StartAppOptions): AppProcess {
  const root = repoRoot();
  const entry = path.join(root, options.entry);
  if (!existsSync(entry)) throw new Error(`${options.entry} does not exist; build first with: npm run build`);
  const child = spawn(process.execPath, [entry], {
    cwd: root,
    env: { ...process.env, ...options.env, PORT: String(options.port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      lines.push(line);
      if (lines.length > appOutputLinesMax) lines.shift();
    }
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = `http://127.0.0.1:${options.port}`;
  const isRunning = () => child.exitCode === null && child.signalCode === null;
  const output = () => lines.join('\n');

  return {
    name: options.name,
    url,
    child,
    output,
    isRunning,
    async waitUntilHealthy(timeoutMs = appHealthyTimeoutMsDefault) {
      const deadline = Date.now() + timeoutMs;
      let last = 'no answer';
      while (Date.now() < deadline) {
        if (!isRunning()) throw new Error(`${options.name} exited (${child.exitCode ?? child.signalCode}) before it was healthy:\n${output()}`);
        try {
          const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(3_000) });
          if (response.status === 200) return;
          last = `HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`;
        } catch (error) {
          last = error instanceof Error ? error.message : String(error);
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      throw new Error(`${options.name} was not healthy within ${timeoutMs} ms (last: ${last}):\n${output()}`);
    },
    stop: () => stopChild(child),
  };
}

/** SIGTERM, then SIGKILL if the process has not exited within appStopTimeoutMs. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), appStopTimeoutMs);
  await exited;
  clearTimeout(timer);
}

export const readyProcessTimeoutMsDefault = 60_000;

export interface StartReadyProcessOptions {
  /** A name for messages. */
  name: string;
  /** Arguments of node: the entry (and its flags, or `--import tsx` before a .ts entry). */
  args: string[];
  /** Added to the parent's environment. */
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}

export interface ReadyProcess {
  readonly child: ChildProcess;
  /** SIGTERM, then SIGKILL if it has not exited in time. */
  stop(): Promise<void>;
}

/**
 * Starts a node process of this repository (from its root) that prints `ready` on stdout once it
 * serves (the engine process of the crash test and the benchmarks, bench:anchor's operators), and
 * resolves then; rejects if it exits first or takes longer than the timeout (and stops it).
 */
export async function startReadyProcess(options: StartReadyProcessOptions): Promise<ReadyProcess> {
  const child = spawn(process.execPath, options.args, { cwd: repoRoot(), env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const timeoutMs = options.readyTimeoutMs ?? readyProcessTimeoutMsDefault;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${options.name} did not say ready within ${timeoutMs} ms`)), timeoutMs);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${options.name} exited (${signal ?? code}) before it was ready`));
      });
      child.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString('utf8').includes('ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { child, stop: () => stopChild(child) };
}
