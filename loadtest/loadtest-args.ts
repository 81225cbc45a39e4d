/**
 * The load test's command line, parsed into options: pure, so every rule (a scenario name, a
 * positive rate, a duration with its unit) is tested without starting anything.
 *
 *   npm run loadtest -- --scenario retail --rate 3000 --duration 60s
 *   npm run loadtest -- --scenario retail --find-max
 */

export const scenarioNames = ['retail', 'merchant', 'lifecycle'] as const;
export type ScenarioName = (typeof scenarioNames)[number];

export interface LoadtestOptions {
  readonly scenario: ScenarioName;
  /** Arrivals per second, fixed for the whole run (open loop). */
  readonly rate: number;
  readonly durationSeconds: number;
  /** Ramp to the highest rate that holds `p99MaxMs` with no error, instead of one run at `rate`. */
  readonly findMax: boolean;
  /** The first rate `--find-max` tries. */
  readonly rateStart: number;
  /** The highest rate `--find-max` tries (and the wallets are seeded for). */
  readonly rateMax: number;
  /** How long each search step of `--find-max` runs; the final rate is confirmed for `durationSeconds`. */
  readonly stepSeconds: number;
  /** The latency bound of a passing run, 99th percentile. */
  readonly p99MaxMs: number;
  /** Wallets paying in turn; 0 picks `rate × walletSpacingSeconds`. */
  readonly wallets: number;
  /** Hot merchant wallets of the merchant scenario. */
  readonly merchants: number;
  /** Skew of the merchant scenario's payees (Zipf exponent; 0 is uniform). */
  readonly zipfExponent: number;
  /** The class of the wallets the load test opens. */
  readonly walletClass: number;
  /** A request still unanswered after this long counts as an error. */
  readonly requestTimeoutSeconds: number;
  /** Seed of the random choices (payees, amounts), so a run can be repeated. */
  readonly seed: number;
  readonly help: boolean;
}

/** One wallet's payments are at least this far apart, so they never overtake each other in HTTP. */
export const walletSpacingSeconds = 3;
/** The fewest wallets any run uses. */
export const walletsMin = 200;
/** A run longer than this is a mistake, not a load test. */
export const durationSecondsMax = 3_600;
export const rateMax = 100_000;

export const optionsDefault: LoadtestOptions = {
  scenario: 'retail',
  rate: 100,
  durationSeconds: 60,
  findMax: false,
  rateStart: 250,
  rateMax: 6_000,
  stepSeconds: 10,
  p99MaxMs: 100,
  wallets: 0,
  merchants: 50,
  zipfExponent: 1.1,
  walletClass: 2,
  requestTimeoutSeconds: 10,
  seed: 1,
  help: false,
};

export class ArgsError extends Error {
  override readonly name = 'ArgsError';
}

export const usage = `usage: npm run loadtest -- [--scenario retail|merchant|lifecycle] [--rate N] [--duration 60s]
       [--find-max [--rate-start N] [--rate-max N] [--step 10s]] [--p99-max-ms 100]
       [--wallets N] [--merchants N] [--zipf-exponent S] [--wallet-class 2] [--timeout 10s] [--seed N]`;

/** `60s`, `2m`, `1500ms` or a bare number of seconds, as seconds. */
export function parseDurationSeconds(text: string, name: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new ArgsError(`${name} must be a duration like 60s, 2m or 500ms, got ${JSON.stringify(text)}`);
  const value = Number(match[1]);
  const unitSeconds = { ms: 0.001, s: 1, m: 60, h: 3_600 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  const seconds = value * unitSeconds;
  if (!(seconds > 0) || seconds > durationSecondsMax) throw new ArgsError(`${name} must be above 0 and at most ${durationSecondsMax} s, got ${text}`);
  return seconds;
}

function parseNumber(text: string, name: string, min: number, max: number, integer: boolean): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
    throw new ArgsError(`${name} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${JSON.stringify(text)}`);
  }
  return value;
}

/** Parses `--name value` and `--name=value` pairs; unknown flags are errors, not ignored. */
export function parseLoadtestArgs(argv: readonly string[]): LoadtestOptions {
  const options: { -readonly [K in keyof LoadtestOptions]: LoadtestOptions[K] } = { ...optionsDefault };
  let rateGiven = false;
  for (let index = 0; index < argv.length; index++) {
    const raw = argv[index]!;
    if (!raw.startsWith('--')) throw new ArgsError(`unexpected argument ${JSON.stringify(raw)}\n${usage}`);
    const equals = raw.indexOf('=');
    const name = equals >= 0 ? raw.slice(2, equals) : raw.slice(2);
    const inline = equals >= 0 ? raw.slice(equals + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[index + 1];
      if (next === undefined || next.startsWith('--')) throw new ArgsError(`--${name} needs a value`);
      index++;
      return next;
    };
    switch (name) {
      case 'scenario': {
        const scenario = value();
        if (!(scenarioNames as readonly string[]).includes(scenario)) throw new ArgsError(`--scenario must be one of ${scenarioNames.join(', ')}, got ${scenario}`);
        options.scenario = scenario as ScenarioName;
        break;
      }
      case 'rate':
        options.rate = parseNumber(value(), '--rate', 1, rateMax, true);
        rateGiven = true;
        break;
      case 'duration':
        options.durationSeconds = parseDurationSeconds(value(), '--duration');
        break;
      case 'find-max':
        if (inline !== undefined) throw new ArgsError('--find-max takes no value');
        options.findMax = true;
        break;
      case 'rate-start':
        options.rateStart = parseNumber(value(), '--rate-start', 1, rateMax, true);
        break;
      case 'rate-max':
        options.rateMax = parseNumber(value(), '--rate-max', 1, rateMax, true);
        break;
      case 'step':
        options.stepSeconds = parseDurationSeconds(value(), '--step');
        break;
      case 'p99-max-ms':
        options.p99MaxMs = parseNumber(value(), '--p99-max-ms', 1, 60_000, false);
        break;
      case 'wallets':
        options.wallets = parseNumber(value(), '--wallets', 2, 1_000_000, true);
        break;
      case 'merchants':
        options.merchants = parseNumber(value(), '--merchants', 1, 10_000, true);
        break;
      case 'zipf-exponent':
        options.zipfExponent = parseNumber(value(), '--zipf-exponent', 0, 10, false);
        break;
      case 'wallet-class':
        options.walletClass = parseNumber(value(), '--wallet-class', 1, 4, true);
        break;
      case 'timeout':
        options.requestTimeoutSeconds = parseDurationSeconds(value(), '--timeout');
        break;
      case 'seed':
        options.seed = parseNumber(value(), '--seed', 0, 2 ** 31 - 1, true);
        break;
      case 'help':
        options.help = true;
        break;
      default:
        throw new ArgsError(`unknown option --${name}\n${usage}`);
    }
  }
  if (options.findMax) {
    if (rateGiven) options.rateStart = options.rate;
    if (options.rateStart > options.rateMax) throw new ArgsError(`--rate-start (${options.rateStart}) is above --rate-max (${options.rateMax})`);
  }
  return options;
}

/** Wallets a run at `rate` needs so one wallet pays at most every `walletSpacingSeconds`. */
export function walletsFor(rate: number, requested: number): number {
  const needed = Math.max(walletsMin, Math.ceil(rate * walletSpacingSeconds));
  if (requested > 0 && requested < needed) {
    throw new ArgsError(`--wallets ${requested} is too few for ${rate}/s: one wallet would pay more often than every ${walletSpacingSeconds} s (need ${needed})`);
  }
  return Math.max(requested, needed);
}
