/**
 * What a `cbdc` subcommand is: its words, its usage line, its options, and a function from parsed
 * arguments to a result. The runner (cli.ts) owns parsing, `--json`, `--help`, printing and exit
 * codes, so a subcommand is a small module that only does its job; adding one is one new module
 * and one line in command-table.ts.
 */
import type { ParseArgsConfig } from 'node:util';

/** What the command line talks to: injected so tests run commands in-process and capture everything. */
export interface CliIo {
  /** Writes text to standard output (the caller adds newlines). */
  stdout(text: string): void;
  stderr(text: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The clock, for expiries. */
  now(): Date;
  /** Directory that relative file names are resolved against. */
  readonly cwd: string;
}

export type OptionValues = Record<string, string | boolean | undefined>;

export interface CommandInput {
  options: OptionValues;
  positionals: string[];
  io: CliIo;
}

/** A result: the JSON document printed with `--json`, and the lines printed for people otherwise. */
export interface CommandResult {
  json: Record<string, unknown>;
  lines: string[];
}

export interface CliCommand {
  /** Words after `cbdc`, like ['keys', 'create']. */
  readonly words: readonly string[];
  /** One line for the command list. */
  readonly summary: string;
  /** Arguments after the words, as shown in usage: `--out <file> [--passphrase-env VAR]`. */
  readonly usage: string;
  /** Options in node's util.parseArgs form; `--json` and `--help` are added for every command. */
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** How many positional arguments the command takes. */
  readonly positionals: { readonly min: number; readonly max: number };
  run(input: CommandInput): Promise<CommandResult>;
}

/** The command line was used wrongly: exit code 2, with the usage of the command. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The command was understood but could not be done (a file exists, a value is refused): exit code 1. */
export class CliFailure extends Error {
  override readonly name = 'CliFailure';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The value of a string option the command requires. */
export function requiredOption(options: OptionValues, name: string): string {
  const value = options[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

/** The value of an optional string option. */
export function optionalOption(options: OptionValues, name: string): string | undefined {
  const value = options[name];
  if (value === '') throw new UsageError(`--${name} needs a value`);
  return typeof value === 'string' ? value : undefined;
}

/** A whole number option within bounds; anything else is a usage error. */
export function integerOption(options: OptionValues, name: string, fallback: number, min: number, max: number): number {
  const value = optionalOption(options, name);
  if (value === undefined) return fallback;
  if (!/^[0-9]{1,15}$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`--${name} must be a whole number in ${min}..${max}, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

/** The passphrase from the environment variable the user names; never from the command line, where it would sit in shell history and `ps`. */
export function passphraseFrom(options: OptionValues, env: CliIo['env']): string {
  const variable = optionalOption(options, 'passphrase-env') ?? passphraseEnvDefault;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) throw new UsageError(`--passphrase-env takes the name of an environment variable, got ${JSON.stringify(variable)}`);
  const passphrase = env[variable];
  if (passphrase === undefined || passphrase === '') {
    throw new UsageError(`the passphrase is read from the environment variable ${variable}, which is not set${variable === passphraseEnvDefault ? ' (name another with --passphrase-env)' : ''}`);
  }
  return passphrase;
}

export const passphraseEnvDefault = 'CBDC_PASSPHRASE';
export const passphraseOption = { 'passphrase-env': { type: 'string' } } as const;
