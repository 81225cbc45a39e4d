// Proves the central bank's settings: the system's topics and groups by default, overrides for tests, and a refusal naming the setting for a bad value.
import { ledgerCommandsTopic } from '@cbdc/contracts';
import { ConfigError, loadSettings } from '@cbdc/platform';
import { apiKeysFileDefault, apiKeysFileOf, centralBankSettings, consumerGroups } from './central-bank.settings';

const required = { DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/cb', REDIS_URL: 'redis://127.0.0.1:6379', KAFKA_BROKERS: '127.0.0.1:9092' };

describe('central bank settings', () => {
  it('default to the system topics, groups and the keys file under .stack', () => {
    const settings = loadSettings(centralBankSettings, required);
    expect(settings.LEDGER_COMMANDS_TOPIC).toBe(ledgerCommandsTopic);
    expect(apiKeysFileOf(settings)).toBe(apiKeysFileDefault);
    expect(consumerGroups(settings)).toEqual({ ledgerEngine: 'central-bank.ledger-engine', control: 'central-bank.control' });
    expect(settings.LEDGER_VERIFY_POOL_SIZE).toBeUndefined();
  });

  it("put the keys file in the stack's folder when it is known, unless told where", () => {
    expect(apiKeysFileOf(loadSettings(centralBankSettings, { ...required, STACK_DIR: '/repo/.stack-test' }))).toBe('/repo/.stack-test/central-bank-api-keys.json');
    expect(apiKeysFileOf(loadSettings(centralBankSettings, { ...required, STACK_DIR: '/repo/.stack-test', API_KEYS_FILE: '/tmp/k.json' }))).toBe('/tmp/k.json');
  });

  it('take overrides', () => {
    const settings = loadSettings(centralBankSettings, { ...required, CONSUMER_GROUP_PREFIX: 'test-x', LEDGER_ANSWER_TIMEOUT_MS: '500', LEDGER_VERIFY_POOL_SIZE: '1' });
    expect(consumerGroups(settings).control).toBe('test-x.control');
    expect(settings.LEDGER_ANSWER_TIMEOUT_MS).toBe(500);
    expect(settings.LEDGER_VERIFY_POOL_SIZE).toBe(1);
  });

  it('refuse a bad value, naming the setting', () => {
    expect(() => loadSettings(centralBankSettings, { ...required, LEDGER_COMMANDS_TOPIC: 'a topic with spaces' })).toThrow(ConfigError);
    expect(() => loadSettings(centralBankSettings, { ...required, LEDGER_ANSWER_TIMEOUT_MS: '5' })).toThrow(/LEDGER_ANSWER_TIMEOUT_MS/);
  });
});
