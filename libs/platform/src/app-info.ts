import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The version of the project, from the root package.json, found by walking up from `startDir`
 * so it works from sources and from `dist/`.
 */
export function projectVersion(startDir: string = __dirname): string {
  let dir = path.resolve(startDir);
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate)) {
      const parsed = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (parsed.name === 'cbdc' && typeof parsed.version === 'string') return parsed.version;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return '0.0.0';
    dir = parent;
  }
}
