// Proves the load test's command line: defaults, every option, durations with units, find-max rules, and refusals with a reason.
import { ArgsError, optionsDefault, parseDurationSeconds, parseLoadtestArgs, walletsFor, walletSpacingSeconds, walletsMin } from './loadtest-args';

describe('parseLoadtestArgs', () => {
  it('gives the defaults for no arguments', () => {
    expect(parseLoadtestArgs([])).toEqual(optionsDefault);
  });

  it('reads the issue’s command', () => {
    const options = parseLoadtestArgs(['--scenario', 'retail', '--rate', '3000', '--duration', '60s']);
    expect(options).toMatchObject({ scenario: 'retail', rate: 3000, durationSeconds: 60, findMax: false });
  });

  it('accepts --name=value as well as --name value', () => {
    expect(parseLoadtestArgs(['--scenario=merchant', '--rate=50', '--duration=2m', '--merchants=7', '--zipf-exponent=0.8'])).toMatchObject({
      scenario: 'merchant',
      rate: 50,
      durationSeconds: 120,
      merchants: 7,
      zipfExponent: 0.8,
    });
  });

  it('starts --find-max at --rate when one is given', () => {
    expect(parseLoadtestArgs(['--find-max', '--rate', '800', '--rate-max', '4000', '--step', '5s'])).toMatchObject({ findMax: true, rateStart: 800, rateMax: 4000, stepSeconds: 5 });
    expect(parseLoadtestArgs(['--find-max']).rateStart).toBe(optionsDefault.rateStart);
  });

  it.each([
    [['--scenario', 'bulk'], /--scenario must be one of/],
    [['--rate', '0'], /--rate must be an integer/],
    [['--rate', '1.5'], /--rate must be an integer/],
    [['--rate'], /--rate needs a value/],
    [['--duration', 'soon'], /--duration must be a duration/],
    [['--wallet-class', '5'], /--wallet-class/],
    [['--find-max', '--rate-start', '900', '--rate-max', '800'], /above --rate-max/],
    [['--turbo'], /unknown option --turbo/],
    [['retail'], /unexpected argument/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseLoadtestArgs(argv)).toThrow(ArgsError);
    expect(() => parseLoadtestArgs(argv)).toThrow(message);
  });
});

describe('parseDurationSeconds', () => {
  it.each([
    ['60s', 60],
    ['60', 60],
    ['1500ms', 1.5],
    ['2m', 120],
    ['1h', 3600],
    ['0.5s', 0.5],
  ])('%s is %d s', (text, seconds) => {
    expect(parseDurationSeconds(text, '--duration')).toBe(seconds);
  });

  it('refuses zero and more than an hour', () => {
    expect(() => parseDurationSeconds('0s', '--duration')).toThrow(ArgsError);
    expect(() => parseDurationSeconds('2h', '--duration')).toThrow(ArgsError);
  });
});

describe('walletsFor', () => {
  it('spaces one wallet’s payments at least walletSpacingSeconds apart', () => {
    expect(walletsFor(3000, 0)).toBe(3000 * walletSpacingSeconds);
    expect(walletsFor(10, 0)).toBe(walletsMin);
    expect(walletsFor(100, 5000)).toBe(5000);
  });

  it('refuses too few wallets for the rate', () => {
    expect(() => walletsFor(3000, 1000)).toThrow(/too few/);
  });
});
