/**
 * CPU time and memory of every process of the system during a run, read from /proc: each app,
 * PostgreSQL (the postmaster and all its backends together), Redis, Kafka and the generator.
 * Sampled once a second, so a process that exits during the run (a vegeta process, a backend)
 * still counts with its last sample.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessUsage } from './loadtest-report';

/** Kernel clock ticks per second (USER_HZ), 100 on Linux. */
const ticksPerSecond = 100;

/** `utime + stime` in ticks, the parent pid and the RSS in KiB of one process, or null when it is gone. */
export function readProcessStat(pid: number): { ticks: number; parent: number; rssKb: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /VmRSS:\s+(\d+)/.exec(status);
    return { parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]), rssKb: rss ? Number(rss[1]) : 0 };
  } catch {
    return null;
  }
}

function pidFromFile(file: string): number | null {
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]!.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/** The named root processes of the system in this stack folder. */
export function systemProcesses(stackDir: string): Map<string, number> {
  const processes = new Map<string, number>();
  const appsFile = join(stackDir, 'apps.json');
  if (existsSync(appsFile)) {
    for (const app of JSON.parse(readFileSync(appsFile, 'utf8')) as { name: string; pid: number }[]) processes.set(app.name, app.pid);
  }
  let postgresDir = join(stackDir, 'postgres');
  try {
    postgresDir = readlinkSync(postgresDir);
  } catch {
    // Not a link: the data is in the stack folder itself.
  }
  const postgres = pidFromFile(join(postgresDir, 'data', 'postmaster.pid'));
  if (postgres) processes.set('postgresql', postgres);
  const redis = pidFromFile(join(stackDir, 'redis', 'redis.pid'));
  if (redis) processes.set('redis', redis);
  const kafka = pidFromFile(join(stackDir, 'kafka', 'kafka.pid'));
  if (kafka) processes.set('kafka', kafka);
  return processes;
}

function childrenOf(parents: ReadonlySet<number>): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcessStat(Number(entry));
    if (stat && parents.has(stat.parent)) children.push(Number(entry));
  }
  return children;
}

/** Samples named process groups (a root and, for PostgreSQL, its children) every second. */
export class ProcessSampler {
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private readonly groupOf = new Map<number, string>();
  private readonly rssMaxKb = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly roots: Map<string, number>) {}

  add(name: string, pid: number): void {
    this.roots.set(name, pid);
  }

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), 1000);
    this.timer.unref();
  }

  /** Stops sampling; CPU seconds during the sampled span and the largest RSS per group. */
  stop(): Record<string, ProcessUsage> {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    const cpuTicks = new Map<string, number>();
    for (const [pid, ticks] of this.last) {
      const group = this.groupOf.get(pid)!;
      cpuTicks.set(group, (cpuTicks.get(group) ?? 0) + ticks - (this.first.get(pid) ?? 0));
    }
    const usage: Record<string, ProcessUsage> = {};
    for (const name of this.roots.keys()) {
      usage[name] = { cpuSeconds: Math.round(((cpuTicks.get(name) ?? 0) / ticksPerSecond) * 100) / 100, rssMb: Math.round((this.rssMaxKb.get(name) ?? 0) / 1024) };
    }
    return usage;
  }

  private sample(): void {
    const withChildren = new Set([this.roots.get('postgresql')].filter((pid): pid is number => pid !== undefined));
    const children = withChildren.size > 0 ? childrenOf(withChildren) : [];
    const rssNow = new Map<string, number>();
    const visit = (name: string, pid: number, initial: boolean) => {
      const stat = readProcessStat(pid);
      if (!stat) return;
      if (!this.groupOf.has(pid)) {
        this.groupOf.set(pid, name);
        // A process seen after the first sample started during the run: all its CPU counts.
        if (initial) this.first.set(pid, stat.ticks);
      }
      this.last.set(pid, stat.ticks);
      rssNow.set(name, (rssNow.get(name) ?? 0) + stat.rssKb);
    };
    const initial = this.timer === null;
    for (const [name, pid] of this.roots) visit(name, pid, initial);
    for (const pid of children) visit('postgresql', pid, initial);
    for (const [name, kb] of rssNow) this.rssMaxKb.set(name, Math.max(this.rssMaxKb.get(name) ?? 0, kb));
  }
}
