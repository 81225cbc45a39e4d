#!/usr/bin/env node
// The `cbdc` executable: runs the command line against the real process (arguments, standard
// streams, environment, clock, working directory). Everything else lives in cli.ts, so tests run
// the same commands in-process.
import { run } from './cli';
import type { CliIo } from './cli-command';

export { run };

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    now: () => new Date(),
    cwd: process.cwd(),
  };
}

if (require.main === module) {
  // exitCode rather than exit(): standard output is flushed before the process ends.
  void run(process.argv.slice(2), processIo()).then((code) => {
    process.exitCode = code;
  });
}
