/**
 * Keeps BENCHMARKS.md current: each benchmark owns one section between markers and rewrites only
 * that section, so figures from different benchmarks live side by side in one file.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const header = `# Benchmarks

Every figure here was printed by a script in this repository (or, where a row says so, measured by
hand with the command it names), on the project's 2-core, 24 GiB
machine with everything (PostgreSQL, Kafka, Redis, the apps and the load generator) co-located.
Each section names the command that reproduces it. PostgreSQL runs with \`synchronous_commit = on\`
and \`fsync = on\` (durable) unless a figure says otherwise.
`;

export function upsertBenchmarkSection(root: string, name: string, markdown: string): void {
  const file = join(root, 'BENCHMARKS.md');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : header;
  const begin = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const block = `${begin}\n${markdown.trim()}\n${end}`;
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  const next = from >= 0 && to > from ? text.slice(0, from) + block + text.slice(to + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}
