// `cbdc keys show`: the wallet id and public key of a key file; with --check, proves the passphrase opens it.
import { openWalletKeyFile, readKeyFile } from '@cbdc/wallet-sdk';
import { passphraseFrom, passphraseOption, type CliCommand } from '../cli-command';
import { readTextFile } from '../cli-files';

export const keysShowCommand: CliCommand = {
  words: ['keys', 'show'],
  summary: 'show the wallet id and public key of a key file (--check also opens it)',
  usage: '<file> [--check [--passphrase-env VAR]]',
  options: { check: { type: 'boolean' }, ...passphraseOption },
  positionals: { min: 1, max: 1 },
  async run({ options, positionals, io }) {
    const text = await readTextFile(io, positionals[0]!);
    // Without --check the header is only consistent with itself; opening authenticates it.
    const file = readKeyFile(text);
    const checked = options.check === true;
    if (checked) await openWalletKeyFile(text, passphraseFrom(options, io.env));
    return {
      json: { walletId: file.walletId, publicKey: file.publicKey, checked },
      lines: [
        `wallet id   ${file.walletId}`,
        `public key  ${file.publicKey}`,
        checked ? 'checked     the passphrase opens this file and its keys match' : 'checked     no (add --check to open it with the passphrase)',
      ],
    };
  },
};
