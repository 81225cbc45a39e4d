// Proves that settings are parsed into typed values, that defaults apply, and that every wrong or missing setting is reported by name.
import { ConfigError, loadSettings, redactUrl, setting } from './settings';
import { commonSettings } from './common-settings';

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadSettings', () => {
  const env = {
    PORT: '7100',
    DATABASE_URL: 'postgres://cbdc:secret@127.0.0.1:55432/cbdc_central_bank',
    REDIS_URL: 'redis://127.0.0.1:56379',
    KAFKA_BROKERS: '127.0.0.1:59092, 127.0.0.1:59093',
  };

  it('returns typed values with defaults for what is absent', () => {
    const settings = loadSettings(commonSettings(), env);
    expect(settings).toEqual({
      PORT: 7100,
      HOST: '127.0.0.1',
      DATABASE_URL: env.DATABASE_URL,
      REDIS_URL: env.REDIS_URL,
      KAFKA_BROKERS: ['127.0.0.1:59092', '127.0.0.1:59093'],
      LOG_LEVEL: 'info',
    });
  });

  it('names a missing setting', () => {
    const { KAFKA_BROKERS: _omitted, ...rest } = env;
    expect(problemsOf(() => loadSettings(commonSettings(), rest))).toEqual(['Setting KAFKA_BROKERS is missing']);
  });

  it('treats an empty value as missing', () => {
    expect(problemsOf(() => loadSettings(commonSettings(), { ...env, REDIS_URL: '  ' }))).toEqual(['Setting REDIS_URL is missing']);
  });

  it('reports a port that is not an integer in range, quoting the value', () => {
    expect(problemsOf(() => loadSettings(commonSettings(), { ...env, PORT: 'abc' }))).toEqual([
      'Setting PORT must be an integer in 1..65535, got "abc"',
    ]);
    expect(problemsOf(() => loadSettings(commonSettings(), { ...env, PORT: '65536' }))).toEqual([
      'Setting PORT must be an integer in 1..65535, got "65536"',
    ]);
    expect(problemsOf(() => loadSettings(commonSettings(), { ...env, PORT: '80.5' }))).toEqual([
      'Setting PORT must be an integer in 1..65535, got "80.5"',
    ]);
  });

  it('collects every problem at once, in schema order', () => {
    expect(problemsOf(() => loadSettings(commonSettings(), { PORT: '0', REDIS_URL: 'http://x', KAFKA_BROKERS: 'a:1,,b:2' }))).toEqual([
      'Setting PORT must be an integer in 1..65535, got "0"',
      'Setting DATABASE_URL is missing',
      'Setting REDIS_URL must be a redis or rediss URL, got "http://x"',
      'Setting KAFKA_BROKERS must be a comma-separated list without empty items, got "a:1,,b:2"',
    ]);
  });

  it('joins the problems into the error message, one per line', () => {
    expect(() => loadSettings({ A: setting.string(), B: setting.string() }, {})).toThrow('Setting A is missing\nSetting B is missing');
  });

  it('never prints a password from a URL', () => {
    const problems = problemsOf(() => loadSettings({ URL: setting.url({ protocols: ['redis'] }) }, { URL: 'postgres://user:hunter2@db/x' }));
    expect(problems[0]).not.toContain('hunter2');
    expect(redactUrl('postgres://user:hunter2@db/x')).toBe('postgres://user:***@db/x');
  });

  it('checks list items, enums, booleans and patterns', () => {
    const schema = {
      BROKERS: setting.list({ itemPattern: /^[^:]+:\d+$/, itemPatternHint: 'host:port' }),
      LEVEL: setting.oneOf(['info', 'warn'] as const),
      ON: setting.bool(),
      ID: setting.string({ pattern: /^bank-[a-z]+$/, patternHint: 'like bank-a' }),
    };
    expect(problemsOf(() => loadSettings(schema, { BROKERS: 'kafka', LEVEL: 'loud', ON: 'maybe', ID: 'BANK' }))).toEqual([
      'Setting BROKERS items must match host:port, got "kafka"',
      'Setting LEVEL must be one of info|warn, got "loud"',
      'Setting ON must be true or false, got "maybe"',
      'Setting ID must match like bank-a, got "BANK"',
    ]);
    expect(loadSettings(schema, { BROKERS: 'k:1', LEVEL: 'warn', ON: 'yes', ID: 'bank-a' })).toEqual({
      BROKERS: ['k:1'],
      LEVEL: 'warn',
      ON: true,
      ID: 'bank-a',
    });
  });

  it('leaves an optional setting undefined when absent and validates it when present', () => {
    const schema = { PORT: setting.optional(setting.int({ min: 1, max: 10 })) };
    expect(loadSettings(schema, {}).PORT).toBeUndefined();
    expect(loadSettings(schema, { PORT: '3' }).PORT).toBe(3);
    expect(problemsOf(() => loadSettings(schema, { PORT: '11' }))).toEqual(['Setting PORT must be an integer in 1..10, got "11"']);
  });
});
