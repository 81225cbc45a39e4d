/**
 * Settings read from the environment and validated once, at start. A process with a wrong or
 * missing setting must refuse to start with a message that names the setting, rather than run
 * half-configured and fail later on the first request that needs it.
 *
 * A schema is a plain object of named `Setting`s; `loadSettings` returns a typed object with
 * one field per setting. No decorators and no class-validator: the helpers below are enough
 * for environment variables, which are all strings.
 */

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

/** One setting: how to turn the raw environment string (or its absence) into a value. */
export interface Setting<T> {
  /** Returns the value, or throws `SettingProblem` with a message that does not name the setting. */
  parse(raw: string | undefined): T;
}

/** A problem with one setting; `loadSettings` prefixes it with the setting's name. */
class SettingProblem extends Error {}

export type SettingsSchema = Record<string, Setting<unknown>>;
export type SettingsOf<S extends SettingsSchema> = { readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

function present(raw: string | undefined): raw is string {
  return raw !== undefined && raw.trim() !== '';
}

function required<T>(raw: string | undefined, fallback: T | undefined, parse: (raw: string) => T): T {
  if (present(raw)) return parse(raw.trim());
  if (fallback !== undefined) return fallback;
  throw new SettingProblem('is missing');
}

export interface StringSettingOptions {
  default?: string;
  pattern?: RegExp;
  /** Human words for the pattern, used in the error message (e.g. "like bank-a"). */
  patternHint?: string;
}

export interface IntSettingOptions {
  min: number;
  max: number;
  default?: number;
}

export interface UrlSettingOptions {
  default?: string;
  /** Accepted schemes without the colon, e.g. ['postgres', 'postgresql']. */
  protocols?: readonly string[];
}

export interface ListSettingOptions {
  default?: readonly string[];
  itemsMin?: number;
  itemPattern?: RegExp;
  itemPatternHint?: string;
}

export const setting = {
  string(options: StringSettingOptions = {}): Setting<string> {
    return {
      parse: (raw) =>
        required(raw, options.default, (value) => {
          if (options.pattern && !options.pattern.test(value)) {
            throw new SettingProblem(`must match ${options.patternHint ?? String(options.pattern)}, got ${JSON.stringify(value)}`);
          }
          return value;
        }),
    };
  },

  int(options: IntSettingOptions): Setting<number> {
    return {
      parse: (raw) =>
        required(raw, options.default, (value) => {
          const parsed = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
          if (!Number.isSafeInteger(parsed) || parsed < options.min || parsed > options.max) {
            throw new SettingProblem(`must be an integer in ${options.min}..${options.max}, got ${JSON.stringify(value)}`);
          }
          return parsed;
        }),
    };
  },

  url(options: UrlSettingOptions = {}): Setting<string> {
    return {
      parse: (raw) =>
        required(raw, options.default, (value) => {
          let url: URL;
          try {
            url = new URL(value);
          } catch {
            throw new SettingProblem(`must be a URL, got ${JSON.stringify(redactUrl(value))}`);
          }
          const scheme = url.protocol.replace(/:$/, '');
          if (options.protocols && !options.protocols.includes(scheme)) {
            throw new SettingProblem(`must be a ${options.protocols.join(' or ')} URL, got ${JSON.stringify(redactUrl(value))}`);
          }
          return value;
        }),
    };
  },

  /** A comma-separated list; blanks around items are ignored, empty items are an error. */
  list(options: ListSettingOptions = {}): Setting<string[]> {
    return {
      parse: (raw) => {
        const items = required(raw, options.default ? [...options.default] : undefined, (value) => value.split(',').map((item) => item.trim()));
        if (items.some((item) => item === '')) {
          throw new SettingProblem(`must be a comma-separated list without empty items, got ${JSON.stringify(raw)}`);
        }
        if (items.length < (options.itemsMin ?? 1)) {
          throw new SettingProblem(`must have at least ${options.itemsMin ?? 1} item(s)`);
        }
        const bad = options.itemPattern ? items.find((item) => !options.itemPattern!.test(item)) : undefined;
        if (bad !== undefined) {
          throw new SettingProblem(`items must match ${options.itemPatternHint ?? String(options.itemPattern)}, got ${JSON.stringify(bad)}`);
        }
        return items;
      },
    };
  },

  oneOf<const V extends string>(values: readonly V[], options: { default?: V } = {}): Setting<V> {
    return {
      parse: (raw) =>
        required(raw, options.default, (value) => {
          if (!(values as readonly string[]).includes(value)) {
            throw new SettingProblem(`must be one of ${values.join('|')}, got ${JSON.stringify(value)}`);
          }
          return value as V;
        }),
    };
  },

  bool(options: { default?: boolean } = {}): Setting<boolean> {
    return {
      parse: (raw) =>
        required(raw, options.default, (value) => {
          const lower = value.toLowerCase();
          if (['true', '1', 'yes', 'on'].includes(lower)) return true;
          if (['false', '0', 'no', 'off'].includes(lower)) return false;
          throw new SettingProblem(`must be true or false, got ${JSON.stringify(value)}`);
        }),
    };
  },

  /** The inner setting when present, `undefined` when absent (an empty string counts as absent). */
  optional<T>(inner: Setting<T>): Setting<T | undefined> {
    return { parse: (raw) => (present(raw) ? inner.parse(raw) : undefined) };
  },
};

/**
 * Reads every setting of the schema from `env`. Collects all problems before throwing, so
 * that an operator fixes a broken environment in one go rather than one restart per setting.
 */
export function loadSettings<S extends SettingsSchema>(schema: S, env: Record<string, string | undefined> = process.env): SettingsOf<S> {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, definition] of Object.entries(schema)) {
    try {
      values[name] = definition.parse(env[name]);
    } catch (error) {
      if (!(error instanceof SettingProblem)) throw error;
      problems.push(`Setting ${name} ${error.message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return values as SettingsOf<S>;
}

/**
 * For `main`: runs a settings loader, or prints its problems to stderr and exits with status 1.
 * Runs before the logger exists, so it writes plain lines a person can read.
 */
export function exitOnConfigError<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

export function loadSettingsOrExit<S extends SettingsSchema>(schema: S, env: Record<string, string | undefined> = process.env): SettingsOf<S> {
  return exitOnConfigError(() => loadSettings(schema, env));
}

/** Hides the password of a URL so that a config error never prints a secret. */
export function redactUrl(value: string): string {
  return value.replace(/\/\/([^:/@]+):([^@/]*)@/, '//$1:***@');
}
