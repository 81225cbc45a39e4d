/**
 * A small, fast schema toolkit for every message that crosses a process.
 *
 * Why hand-written: the ledger-command path parses tens of thousands of messages a second, and
 * a parser built from closures over plain checks is several times faster than a general schema
 * library while staying as readable. Each parser either returns a typed value or throws a
 * ContractError with a stable code and the path of the offending field.
 *
 * Money crosses the wire as a decimal string of minor units (fen) and becomes a bigint here;
 * a JSON number is refused for an amount, so no float ever carries money.
 */

export type ContractErrorCode = 'MALFORMED' | 'UNKNOWN_TYPE' | 'UNKNOWN_VERSION' | 'TOO_LARGE';

export class ContractError extends Error {
  constructor(
    readonly code: ContractErrorCode,
    readonly path: string,
    detail: string,
  ) {
    super(`${code} at ${path || '<root>'}: ${detail}`);
    this.name = 'ContractError';
  }
}

export type Parser<T> = (value: unknown, path: string) => T;
export type Parsed<P> = P extends Parser<infer T> ? T : never;

/** The largest amount or counter the system accepts: a signed 64-bit column holds it. */
export const int64Max = 2n ** 63n - 1n;
/** Identifiers (command ids, wallet ids, operator ids) are short; this bounds memory per message. */
export const idLengthMax = 128;
export const textLengthMax = 1024;

function fail(path: string, detail: string): never {
  throw new ContractError('MALFORMED', path, detail);
}

const idPattern = /^[A-Za-z0-9._:-]+$/;

export function id(lengthMax: number = idLengthMax): Parser<string> {
  return (value, path) => {
    if (typeof value !== 'string' || value.length === 0 || value.length > lengthMax || !idPattern.test(value)) {
      fail(path, `expected an id of 1..${lengthMax} characters [A-Za-z0-9._:-]`);
    }
    return value;
  };
}

export function text(lengthMax: number = textLengthMax): Parser<string> {
  return (value, path) => {
    if (typeof value !== 'string' || value.length > lengthMax) fail(path, `expected a string of at most ${lengthMax} characters`);
    return value;
  };
}

const hexPattern = /^[0-9a-f]*$/;

/** Lower-case hex of exactly `bytes` bytes, or of at most `bytesMax` bytes when bytes is undefined. */
export function hex(bytes?: number, bytesMax = 4096): Parser<string> {
  return (value, path) => {
    if (typeof value !== 'string' || value.length % 2 !== 0 || !hexPattern.test(value)) fail(path, 'expected lower-case hex');
    const length = value.length / 2;
    if (bytes !== undefined ? length !== bytes : length > bytesMax) {
      fail(path, bytes !== undefined ? `expected ${bytes} bytes of hex` : `expected at most ${bytesMax} bytes of hex`);
    }
    return value;
  };
}

const decimalPattern = /^(0|[1-9][0-9]{0,18})$/;

/** A non-negative integer carried as a decimal string, returned as bigint (amounts, counters). */
export function decimal(options: { min?: bigint; max?: bigint } = {}): Parser<bigint> {
  const min = options.min ?? 0n;
  const max = options.max ?? int64Max;
  return (value, path) => {
    if (typeof value !== 'string' || !decimalPattern.test(value)) fail(path, 'expected a decimal string of minor units');
    const parsed = BigInt(value);
    if (parsed < min || parsed > max) fail(path, `expected a value in ${min}..${max}`);
    return parsed;
  };
}

/** An amount of money in fen: a positive decimal string. */
export const amount = (): Parser<bigint> => decimal({ min: 1n });

export function integer(min: number, max: number): Parser<number> {
  return (value, path) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      fail(path, `expected an integer in ${min}..${max}`);
    }
    return value;
  };
}

export function boolean(): Parser<boolean> {
  return (value, path) => {
    if (typeof value !== 'boolean') fail(path, 'expected a boolean');
    return value;
  };
}

export function literal<const T extends string | number>(expected: T): Parser<T> {
  return (value, path) => {
    if (value !== expected) fail(path, `expected ${JSON.stringify(expected)}`);
    return expected;
  };
}

export function oneOf<const T extends readonly string[]>(choices: T): Parser<T[number]> {
  const allowed = new Set<string>(choices);
  return (value, path) => {
    if (typeof value !== 'string' || !allowed.has(value)) fail(path, `expected one of ${choices.join(', ')}`);
    return value as T[number];
  };
}

export function optional<T>(parser: Parser<T>): Parser<T | undefined> {
  return (value, path) => (value === undefined || value === null ? undefined : parser(value, path));
}

export function array<T>(item: Parser<T>, lengthMax: number): Parser<T[]> {
  return (value, path) => {
    if (!Array.isArray(value) || value.length > lengthMax) fail(path, `expected an array of at most ${lengthMax} items`);
    const out = new Array<T>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = item(value[i], `${path}[${i}]`);
    return out;
  };
}

export type Shape = Record<string, Parser<unknown>>;
export type ObjectOf<S extends Shape> = { [K in keyof S as undefined extends Parsed<S[K]> ? never : K]: Parsed<S[K]> } & {
  [K in keyof S as undefined extends Parsed<S[K]> ? K : never]?: Parsed<S[K]>;
};

/** A plain object with exactly these fields; unknown fields are refused so typos never pass silently. */
export function object<S extends Shape>(shape: S): Parser<ObjectOf<S>> {
  const keys = Object.keys(shape);
  const known = new Set(keys);
  return (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'expected an object');
    const input = value as Record<string, unknown>;
    for (const key in input) {
      if (!known.has(key)) fail(path ? `${path}.${key}` : key, 'unknown field');
    }
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const parsed = shape[key]!(input[key], path ? `${path}.${key}` : key);
      if (parsed !== undefined) out[key] = parsed;
    }
    return out as ObjectOf<S>;
  };
}
