// Proves `cbdc regulator keygen` writes the public material, the service key and one 0600 file
// per official, never the escrow private key, that two officials' files rebuild the escrow key,
// and that a second ceremony into the same folder overwrites nothing.
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageRegistry, openOfficialShare, regulatorOfficialKeyV1, regulatorPublicMaterialV1, type MessageDefinition, type RegulatorOfficialKeyV1, type RegulatorPublicMaterialV1 } from '@cbdc/contracts';
import { combineShares, toHex, x25519PublicKeyFromPrivateKey } from '@cbdc/crypto';
import type { CliIo } from '../cli-command';
import { run } from '../cli';

const registry = new MessageRegistry([regulatorOfficialKeyV1, regulatorPublicMaterialV1] as unknown as MessageDefinition<unknown>[]);
let directory = '';

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'cbdc-regulator-keygen-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function cbdc(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text), env: {}, now: () => new Date('2026-11-29T12:00:00Z'), cwd: directory };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

describe('cbdc regulator keygen', () => {
  it('runs a 2-of-3 ceremony whose files hold shares, not the escrow key', async () => {
    const outcome = await cbdc(['regulator', 'keygen', '--officials', '3', '--threshold', '2', '--out', 'ceremony', '--json']);
    expect(outcome.code).toBe(0);
    const folder = join(directory, 'ceremony');
    const material = registry.decode(await readFile(join(folder, 'regulator-public.json'), 'utf8')).body as RegulatorPublicMaterialV1;
    expect(material).toMatchObject({ threshold: 2 });
    expect(material.officials.map((o) => o.officialId)).toEqual(['official-1', 'official-2', 'official-3']);
    expect(await readdir(join(folder, 'officials'))).toEqual(['official-1.json', 'official-2.json', 'official-3.json']);
    expect((await stat(join(folder, 'regulator-service-key.json'))).mode & 0o777).toBe(0o600);
    const officials: RegulatorOfficialKeyV1[] = [];
    for (const name of ['official-1', 'official-2', 'official-3']) {
      const file = join(folder, 'officials', `${name}.json`);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      officials.push(registry.decode(await readFile(file, 'utf8')).body as RegulatorOfficialKeyV1);
    }
    const escrowKey = await combineShares([openOfficialShare(material, officials[1]!), openOfficialShare(material, officials[2]!)]);
    expect(toHex(x25519PublicKeyFromPrivateKey(escrowKey))).toBe(material.escrowPublicKey);
    // The whole private key is in no file the ceremony wrote.
    const everything = [await readFile(join(folder, 'regulator-public.json'), 'utf8'), await readFile(join(folder, 'regulator-service-key.json'), 'utf8')];
    for (const name of ['official-1', 'official-2', 'official-3']) everything.push(await readFile(join(folder, 'officials', `${name}.json`), 'utf8'));
    for (const text of everything) expect(text).not.toContain(toHex(escrowKey));
  });

  it('refuses to overwrite an existing ceremony, and a threshold above the officials', async () => {
    const again = await cbdc(['regulator', 'keygen', '--officials', '3', '--threshold', '2', '--out', 'ceremony']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('FILE_EXISTS');
    expect((await cbdc(['regulator', 'keygen', '--officials', '2', '--threshold', '3', '--out', 'other'])).code).toBe(2);
  });
});
