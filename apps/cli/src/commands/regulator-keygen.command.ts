// `cbdc regulator keygen`: the regulator's key ceremony. Writes the public material (every app
// reads it), the regulator service's signing key and one private file per official (0600); the
// escrow private key exists only as shares sealed to the officials and is never written whole.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { encodeMessage, regulatorOfficialKeyV1, regulatorPublicMaterialV1, regulatorServiceKeyV1, runKeyCeremony, officialsCountMax } from '@cbdc/contracts';
import { CliFailure, integerOption, requiredOption, type CliCommand } from '../cli-command';

export const regulatorPublicFileName = 'regulator-public.json';
export const regulatorServiceKeyFileName = 'regulator-service-key.json';

async function writeNew(path: string, text: string, mode: number): Promise<void> {
  try {
    await writeFile(path, text, { flag: 'wx', mode });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new CliFailure('FILE_EXISTS', `${path} already exists; a ceremony never overwrites keys`);
    throw error;
  }
}

export const regulatorKeygenCommand: CliCommand = {
  words: ['regulator', 'keygen'],
  summary: "run the regulator's k-of-n key ceremony and write its files to a new folder",
  usage: '--officials <n> --threshold <k> --out <folder>',
  options: { officials: { type: 'string' }, threshold: { type: 'string' }, out: { type: 'string' } },
  positionals: { min: 0, max: 0 },
  async run({ options, io }) {
    const officials = integerOption(options, 'officials', 3, 2, officialsCountMax);
    const threshold = integerOption(options, 'threshold', 2, 2, officials);
    const folder = resolve(io.cwd, requiredOption(options, 'out'));
    const ceremony = await runKeyCeremony(officials, threshold, io.now());
    await mkdir(join(folder, 'officials'), { recursive: true, mode: 0o700 });
    const publicFile = join(folder, regulatorPublicFileName);
    await writeNew(publicFile, `${encodeMessage(regulatorPublicMaterialV1, ceremony.material)}\n`, 0o644);
    await writeNew(join(folder, regulatorServiceKeyFileName), `${encodeMessage(regulatorServiceKeyV1, ceremony.serviceKey)}\n`, 0o600);
    const officialFiles: string[] = [];
    for (const official of ceremony.officialKeys) {
      const file = join(folder, 'officials', `${official.officialId}.json`);
      await writeNew(file, `${encodeMessage(regulatorOfficialKeyV1, official)}\n`, 0o600);
      officialFiles.push(file);
    }
    return {
      json: { ceremonyId: ceremony.material.ceremonyId, officials, threshold, publicFile, officialFiles, escrowPublicKey: ceremony.material.escrowPublicKey },
      lines: [
        `ceremony          ${ceremony.material.ceremonyId}`,
        `threshold         ${threshold} of ${officials} officials`,
        `public material   ${publicFile}`,
        `escrow public key ${ceremony.material.escrowPublicKey}`,
        ...officialFiles.map((file) => `official file     ${file}`),
      ],
    };
  },
};
