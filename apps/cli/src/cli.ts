/**
 * The `cbdc` command line runner: finds the subcommand in the command table, parses its options
 * with node's util.parseArgs (strict: an unknown option is an error, not ignored), runs it, and
 * prints its result for people or, with `--json`, as one JSON document on standard output.
 *
 * Exit codes, stable for scripts: 0 done; 1 failed (the code says why: a refused value such as
 * BAD_AMOUNT or EXPIRED_REQUEST, a file that exists, a bank's rejection); 2 the command line was
 * wrong (unknown command or option, missing argument); the usage is printed with it. With `--json`
 * a failure prints `{"error":{"code","message"}}` on standard output too, so a script reads one
 * place; without it, messages go to standard error.
 */
import { parseArgs } from 'node:util';
import { BankApiError, WalletSdkError } from '@cbdc/wallet-sdk';
import { CliFailure, UsageError, type CliCommand, type CliIo, type CommandResult } from './cli-command';
import { commandTable } from './command-table';

export const exitSuccess = 0;
export const exitFailure = 1;
export const exitUsage = 2;

/** Runs one command line (the arguments after `cbdc`) and returns its exit code; never throws. */
export async function run(argv: readonly string[], io: CliIo, commands: readonly CliCommand[] = commandTable): Promise<number> {
  const json = argv.includes('--json');
  let command: CliCommand | undefined;
  try {
    if (argv.length === 0) throw new UsageError('a command is required');
    if (argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
      const asked = argv[0] === 'help' ? findCommand(argv.slice(1), commands) : undefined;
      io.stdout(asked ? commandUsage(asked) : overallUsage(commands));
      return exitSuccess;
    }
    command = findCommand(argv, commands);
    if (command === undefined) throw new UsageError(unknownCommandMessage(argv, commands));
    const { values, positionals } = parseCommandLine(command, argv.slice(command.words.length));
    if (values.help === true) {
      io.stdout(commandUsage(command));
      return exitSuccess;
    }
    const { min, max } = command.positionals;
    if (positionals.length < min || positionals.length > max) {
      throw new UsageError(max === 0 ? `cbdc ${command.words.join(' ')} takes no arguments besides options` : `cbdc ${command.words.join(' ')} takes ${min === max ? min : `${min}..${max}`} argument${max === 1 ? '' : 's'}`);
    }
    const result = await command.run({ options: values, positionals, io });
    print(io, result, json);
    return exitSuccess;
  } catch (error) {
    return report(io, error, json, command, commands);
  }
}

function findCommand(argv: readonly string[], commands: readonly CliCommand[]): CliCommand | undefined {
  return commands.find((candidate) => candidate.words.every((word, i) => argv[i] === word));
}

function unknownCommandMessage(argv: readonly string[], commands: readonly CliCommand[]): string {
  const group = commands.filter((candidate) => candidate.words[0] === argv[0]);
  if (group.length > 0) {
    const next = group.map((candidate) => candidate.words.slice(1).join(' ')).join(', ');
    return argv.length === 1 || argv[1]!.startsWith('-') ? `cbdc ${argv[0]} needs one of: ${next}` : `unknown command cbdc ${argv[0]} ${argv[1]}; try one of: ${next}`;
  }
  return `unknown command ${JSON.stringify(argv[0])}`;
}

function parseCommandLine(command: CliCommand, args: string[]) {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { ...command.options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    // parseArgs reports misuse as a TypeError with an ERR_PARSE_ARGS_* code and a clear message.
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) throw new UsageError((error as Error).message);
    throw error;
  }
}

function print(io: CliIo, result: CommandResult, json: boolean): void {
  io.stdout(json ? `${JSON.stringify(result.json, null, 2)}\n` : result.lines.map((line) => `${line}\n`).join(''));
}

function report(io: CliIo, error: unknown, json: boolean, command: CliCommand | undefined, commands: readonly CliCommand[]): number {
  if (error instanceof UsageError) {
    const usage = command ? commandUsage(command) : overallUsage(commands);
    if (json) io.stdout(`${JSON.stringify({ error: { code: 'USAGE', message: error.message } }, null, 2)}\n`);
    else io.stderr(`cbdc: ${error.message}\n${usage}`);
    return exitUsage;
  }
  if (error instanceof WalletSdkError || error instanceof CliFailure || error instanceof BankApiError) {
    if (json) io.stdout(`${JSON.stringify({ error: { code: error.code, message: error.message } }, null, 2)}\n`);
    else io.stderr(`cbdc: ${error.code}: ${error.message}\n`);
    return exitFailure;
  }
  // Anything else is a bug: say so loudly, with the stack, rather than dress it up as a refusal.
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  if (json) io.stdout(`${JSON.stringify({ error: { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) } }, null, 2)}\n`);
  io.stderr(`cbdc: internal error: ${detail}\n`);
  return exitFailure;
}

function commandUsage(command: CliCommand): string {
  return `usage: cbdc ${command.words.join(' ')} ${command.usage} [--json]\n  ${command.summary}\n`;
}

function overallUsage(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((command) => command.words.join(' ').length));
  const lines = commands.map((command) => `  cbdc ${command.words.join(' ').padEnd(width)}  ${command.summary}`);
  return [
    'usage: cbdc <command> [options] [--json]',
    '',
    'commands:',
    ...lines,
    '',
    'cbdc help <command> or cbdc <command> --help shows its options.',
    'Exit codes: 0 done, 1 failed (an error code says why), 2 wrong command line.',
    '',
  ].join('\n');
}
