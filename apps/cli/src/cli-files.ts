/**
 * File access for commands: names resolved against the command line's working directory, and
 * the common failures (missing file, existing file) turned into CliFailure codes a script can test.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CliFailure, type CliIo } from './cli-command';

/** Largest file a command reads: key files and counters are tiny. */
export const inputFileBytesMax = 64 * 1024;

export async function readTextFile(io: CliIo, name: string): Promise<string> {
  const path = resolve(io.cwd, name);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliFailure('FILE_NOT_FOUND', `${path} does not exist`);
    if (code === 'EACCES') throw new CliFailure('FILE_NOT_READABLE', `${path} is not readable`);
    if (code === 'EISDIR') throw new CliFailure('FILE_NOT_READABLE', `${path} is a directory`);
    throw error;
  }
  if (text.length > inputFileBytesMax) throw new CliFailure('FILE_TOO_LARGE', `${path} is larger than ${inputFileBytesMax} bytes`);
  return text;
}

/** Writes a new file readable only by its owner; never replaces an existing one (a key file overwritten is money lost). */
export async function writeNewPrivateFile(io: CliIo, name: string, text: string): Promise<string> {
  const path = resolve(io.cwd, name);
  try {
    await writeFile(path, text, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new CliFailure('FILE_EXISTS', `${path} already exists; choose another file, the existing one is kept`);
    if (code === 'ENOENT') throw new CliFailure('FILE_NOT_FOUND', `the directory of ${path} does not exist`);
    throw error;
  }
  return path;
}
