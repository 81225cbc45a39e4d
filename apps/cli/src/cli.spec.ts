// Proves the cbdc command line, run in-process, creates and shows key files, makes and checks payment request URIs and converts amounts, with exit code 0 on success, 1 on refused values and 2 on a wrong command line, and the same results as JSON with --json.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWalletKeyFile, parsePaymentRequestUri } from '@cbdc/wallet-sdk';
import type { CliIo } from './cli-command';
import { run } from './cli';
import { commandTable } from './command-table';

const passphrase = 'a passphrase for tests';
let directory: string;
let clock: Date;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'cbdc-cli-'));
  clock = new Date('2026-11-29T12:00:00Z');
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function cbdc(argv: string[], env: Record<string, string> = { CBDC_PASSPHRASE: passphrase }): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    env,
    now: () => clock,
    cwd: directory,
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

async function cbdcJson(argv: string[], env?: Record<string, string>): Promise<{ code: number; body: Record<string, unknown> }> {
  const outcome = await cbdc([...argv, '--json'], env);
  return { code: outcome.code, body: JSON.parse(outcome.stdout) };
}

describe('cbdc keys', () => {
  it('creates a key file only its owner can read, which opens to the printed wallet', async () => {
    const created = await cbdcJson(['keys', 'create', '--out', 'alice.key']);
    expect(created.code).toBe(0);
    const path = join(directory, 'alice.key');
    expect(created.body.file).toBe(path);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const keys = await openWalletKeyFile(await readFile(path, 'utf8'), passphrase);
    expect(created.body.walletId).toBe(keys.walletId);
    expect(created.body.publicKey).toBe(Buffer.from(keys.publicKey).toString('hex'));
    expect(JSON.stringify(created.body)).not.toContain(Buffer.from(keys.privateKey).toString('hex'));

    const shown = await cbdc(['keys', 'show', 'alice.key']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`wallet id   ${keys.walletId}`);
    expect(shown.stdout).toContain('checked     no');
    const checked = await cbdcJson(['keys', 'show', 'alice.key', '--check']);
    expect(checked).toEqual({ code: 0, body: { walletId: keys.walletId, publicKey: created.body.publicKey, checked: true } });
  });

  it('reads the passphrase from the variable named by --passphrase-env', async () => {
    const env = { WALLET_SECRET: 'another passphrase' };
    expect((await cbdc(['keys', 'create', '--out', 'b.key', '--passphrase-env', 'WALLET_SECRET'], env)).code).toBe(0);
    expect((await cbdc(['keys', 'show', 'b.key', '--check', '--passphrase-env', 'WALLET_SECRET'], env)).code).toBe(0);
    const wrong = await cbdcJson(['keys', 'show', 'b.key', '--check'], { CBDC_PASSPHRASE: passphrase });
    expect(wrong).toEqual({ code: 1, body: { error: { code: 'KEY_FILE_DECRYPT_FAILED', message: expect.stringContaining('passphrase is wrong') } } });
  });

  it('never overwrites an existing file', async () => {
    await writeFile(join(directory, 'taken.key'), 'precious');
    const outcome = await cbdc(['keys', 'create', '--out', 'taken.key']);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain('FILE_EXISTS');
    expect(await readFile(join(directory, 'taken.key'), 'utf8')).toBe('precious');
  });

  it('refuses a short passphrase (1), and a missing passphrase, --out or file argument (2)', async () => {
    expect((await cbdcJson(['keys', 'create', '--out', 'c.key'], { CBDC_PASSPHRASE: 'short' })).body).toEqual({ error: { code: 'BAD_PASSPHRASE', message: expect.any(String) } });
    const noPassphrase = await cbdc(['keys', 'create', '--out', 'c.key'], {});
    expect(noPassphrase.code).toBe(2);
    expect(noPassphrase.stderr).toContain('CBDC_PASSPHRASE');
    expect(noPassphrase.stderr).toContain('usage: cbdc keys create --out <file>');
    expect((await cbdc(['keys', 'create'])).code).toBe(2);
    expect((await cbdc(['keys', 'create', '--out'])).code).toBe(2);
    expect((await cbdc(['keys', 'show'])).code).toBe(2);
    expect((await cbdc(['keys', 'show', 'a', 'b'])).code).toBe(2);
  });

  it('fails clearly on a missing or altered key file', async () => {
    expect((await cbdcJson(['keys', 'show', 'nothing.key'])).body).toEqual({ error: { code: 'FILE_NOT_FOUND', message: expect.any(String) } });
    await cbdc(['keys', 'create', '--out', 'd.key']);
    const file = JSON.parse(await readFile(join(directory, 'd.key'), 'utf8'));
    await writeFile(join(directory, 'd.key'), JSON.stringify({ ...file, version: 9 }));
    expect((await cbdcJson(['keys', 'show', 'd.key'])).body).toEqual({ error: { code: 'KEY_FILE_UNSUPPORTED_VERSION', message: expect.any(String) } });
  });
});

describe('cbdc pay-request', () => {
  const payee = 'w' + 'a'.repeat(32);

  it('prints a URI that pay-request show and the SDK read back', async () => {
    const created = await cbdc(['pay-request', 'create', '--payee', payee, '--amount', '12.34', '--reference', 'Order 42', '--expires-in', '120', '--operator', 'bank-a']);
    expect(created.code).toBe(0);
    const uri = created.stdout.trim();
    expect(parsePaymentRequestUri(uri, clock)).toEqual({
      payeeWalletId: payee,
      amount: 1234n,
      reference: 'Order 42',
      expiresAt: new Date('2026-11-29T12:02:00Z'),
      operatorId: 'bank-a',
    });
    const shown = await cbdcJson(['pay-request', 'show', uri]);
    expect(shown).toEqual({
      code: 0,
      body: { payeeWalletId: payee, amount: '1234', amountYuan: '12.34', reference: 'Order 42', expiresAt: '2026-11-29T12:02:00.000Z', secondsLeft: 120, operatorId: 'bank-a' },
    });
    const text = await cbdc(['pay-request', 'show', uri]);
    expect(text.stdout).toContain('amount     12.34 yuan (1234 fen)');
  });

  it('defaults to ten minutes and no operator, and answers JSON', async () => {
    const created = await cbdcJson(['pay-request', 'create', '--payee', payee, '--amount', '0.1', '--reference', 'tea']);
    expect(created.code).toBe(0);
    expect(created.body).toMatchObject({ amount: '10', amountYuan: '0.10', expiresAt: '2026-11-29T12:10:00.000Z', operatorId: null });
    expect(parsePaymentRequestUri(String(created.body.uri), clock).operatorId).toBeUndefined();
  });

  it('refuses an expired request once the clock passes its expiry', async () => {
    const uri = (await cbdc(['pay-request', 'create', '--payee', payee, '--amount', '5', '--reference', 'x', '--expires-in', '60'])).stdout.trim();
    clock = new Date(clock.getTime() + 60_000);
    const shown = await cbdc(['pay-request', 'show', uri]);
    expect(shown.code).toBe(1);
    expect(shown.stderr).toMatch(/^cbdc: EXPIRED_REQUEST: /);
  });

  it.each([
    [['--amount', '1.234'], 1, 'BAD_AMOUNT'],
    [['--amount', '0'], 1, 'BAD_AMOUNT'],
    [['--payee', 'merchant'], 1, 'BAD_WALLET_ID'],
    [['--reference', 'a\tb'], 1, 'BAD_REFERENCE'],
    [['--operator', 'bank a'], 1, 'BAD_OPERATOR_ID'],
    [['--expires-in', 'soon'], 2, 'USAGE'],
    [['--expires-in', '0'], 2, 'USAGE'],
    [['--expires-in', '2592001'], 2, 'USAGE'],
    [['--tip', '5'], 2, 'USAGE'],
  ])('with %j exits %i (%s)', async (change, exitCode, errorCode) => {
    const base: Record<string, string> = { '--payee': payee, '--amount': '5', '--reference': 'x' };
    const args = ['pay-request', 'create'];
    for (const [name, value] of Object.entries(base)) if (!change.includes(name)) args.push(name, value);
    const outcome = await cbdcJson([...args, ...change]);
    expect(outcome.code).toBe(exitCode);
    expect(outcome.body).toEqual({ error: { code: errorCode, message: expect.any(String) } });
  });

  it('refuses a URI that is not a payment request', async () => {
    expect((await cbdcJson(['pay-request', 'show', 'https://example.com'])).body).toEqual({ error: { code: 'BAD_URI', message: expect.any(String) } });
    expect((await cbdc(['pay-request', 'create', '--amount', '5', '--reference', 'x'])).code).toBe(2);
  });
});

describe('cbdc amount', () => {
  it('converts exactly both ways', async () => {
    expect(await cbdc(['amount', 'parse', '12.34'])).toEqual({ code: 0, stdout: '1234\n', stderr: '' });
    expect(await cbdc(['amount', 'format', '1234'])).toEqual({ code: 0, stdout: '12.34\n', stderr: '' });
    expect(await cbdcJson(['amount', 'parse', '92233720368547758.07'])).toEqual({ code: 0, body: { fen: '9223372036854775807', yuan: '92233720368547758.07' } });
    expect(await cbdcJson(['amount', 'format', '5'])).toEqual({ code: 0, body: { fen: '5', yuan: '0.05' } });
  });

  it('refuses ambiguous amounts (1) and a missing or negative-looking argument (2)', async () => {
    expect((await cbdcJson(['amount', 'parse', '1.234'])).body).toEqual({ error: { code: 'BAD_AMOUNT', message: expect.any(String) } });
    expect((await cbdc(['amount', 'format', '12.34'])).code).toBe(1);
    expect((await cbdc(['amount', 'parse'])).code).toBe(2);
    expect((await cbdc(['amount', 'parse', '-1'])).code).toBe(2);
  });
});

describe('cbdc usage', () => {
  it('lists every command on help, and shows one command on --help', async () => {
    const help = await cbdc(['help']);
    expect(help.code).toBe(0);
    for (const command of commandTable) expect(help.stdout).toContain(`cbdc ${command.words.join(' ')}`);
    expect((await cbdc(['--help'])).stdout).toBe(help.stdout);
    const one = await cbdc(['keys', 'create', '--help']);
    expect(one).toEqual({ code: 0, stdout: expect.stringMatching(/^usage: cbdc keys create --out <file>/), stderr: '' });
    expect((await cbdc(['help', 'amount', 'parse'])).stdout).toMatch(/^usage: cbdc amount parse <yuan>/);
  });

  it('exits 2 with the usage for no command, an unknown command, a group without its subcommand, and an unknown option', async () => {
    const none = await cbdc([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('commands:');
    const unknown = await cbdc(['mint', '100']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "mint"');
    const group = await cbdc(['keys']);
    expect(group.code).toBe(2);
    expect(group.stderr).toContain('cbdc keys needs one of: create, show');
    expect((await cbdc(['keys', 'delete'])).stderr).toContain('unknown command cbdc keys delete');
    const option = await cbdcJson(['amount', 'parse', '1', '--verbose']);
    expect(option).toEqual({ code: 2, body: { error: { code: 'USAGE', message: expect.stringContaining('--verbose') } } });
  });
});
