// Proves that one commercial-bank codebase is configured per operator: BANK_ID is required and checked, PORT defaults by operator (bank-a 7101, bank-b 7102) but must be set for any other, and the ledger topic and keys file have per-operator defaults.
import { ConfigError } from '@cbdc/platform';
import { apiKeysFileOf, loadCommercialBankSettings } from './commercial-bank.settings';

const stack = {
  DATABASE_URL: 'postgres://cbdc:cbdc@127.0.0.1:55432/cbdc_bank_a',
  REDIS_URL: 'redis://127.0.0.1:56379',
  KAFKA_BROKERS: '127.0.0.1:59092',
};

function problems(env: Record<string, string>): readonly string[] {
  try {
    loadCommercialBankSettings(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('commercial bank settings', () => {
  it('defaults the port of the demo operators', () => {
    expect(loadCommercialBankSettings({ ...stack, BANK_ID: 'bank-a' }).PORT).toBe(7101);
    expect(loadCommercialBankSettings({ ...stack, BANK_ID: 'bank-b' }).PORT).toBe(7102);
    expect(loadCommercialBankSettings({ ...stack, BANK_ID: 'bank-b', PORT: '8000' }).PORT).toBe(8000);
  });

  it('requires a port for any other operator', () => {
    expect(problems({ ...stack, BANK_ID: 'bank-c' })).toEqual(['Setting PORT is missing (no default port for bank-c)']);
    expect(loadCommercialBankSettings({ ...stack, BANK_ID: 'bank-c', PORT: '7104' }).PORT).toBe(7104);
  });

  it('requires a well-formed BANK_ID', () => {
    expect(problems(stack)).toEqual(['Setting BANK_ID is missing']);
    expect(problems({ ...stack, BANK_ID: 'Bank A' })).toEqual(['Setting BANK_ID must match an operator id like bank-a, got "Bank A"']);
  });
});

describe('commercial bank ledger topic and keys file', () => {
  it('send to ledger.commands.v1 unless told otherwise, and keep keys per operator', () => {
    const settings = loadCommercialBankSettings({ ...stack, BANK_ID: 'bank-a' });
    expect(settings.LEDGER_COMMANDS_TOPIC).toBe('ledger.commands.v1');
    expect(apiKeysFileOf(settings)).toBe('.stack/bank-a-api-keys.json');
    const custom = loadCommercialBankSettings({ ...stack, BANK_ID: 'bank-b', LEDGER_COMMANDS_TOPIC: 'test.ledger.x', API_KEYS_FILE: '/tmp/k.json' });
    expect(custom.LEDGER_COMMANDS_TOPIC).toBe('test.ledger.x');
    expect(apiKeysFileOf(custom)).toBe('/tmp/k.json');
    expect(problems({ ...stack, BANK_ID: 'bank-a', LEDGER_COMMANDS_TOPIC: 'bad topic' })).toEqual([expect.stringContaining('LEDGER_COMMANDS_TOPIC')]);
  });
});
