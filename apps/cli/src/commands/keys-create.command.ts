// `cbdc keys create`: new wallet keys, saved encrypted under a passphrase; prints the wallet id, never the private key.
import { toHex } from '@cbdc/crypto';
import { createWalletKeys, saveWalletKeyFile } from '@cbdc/wallet-sdk';
import { passphraseFrom, passphraseOption, requiredOption, type CliCommand } from '../cli-command';
import { writeNewPrivateFile } from '../cli-files';

export const keysCreateCommand: CliCommand = {
  words: ['keys', 'create'],
  summary: 'create wallet keys and save them encrypted to a new file',
  usage: '--out <file> [--passphrase-env VAR]',
  options: { out: { type: 'string' }, ...passphraseOption },
  positionals: { min: 0, max: 0 },
  async run({ options, io }) {
    const out = requiredOption(options, 'out');
    const passphrase = passphraseFrom(options, io.env);
    const keys = createWalletKeys();
    const path = await writeNewPrivateFile(io, out, await saveWalletKeyFile(keys, passphrase));
    const publicKey = toHex(keys.publicKey);
    return {
      json: { walletId: keys.walletId, publicKey, file: path },
      lines: [`wallet id   ${keys.walletId}`, `public key  ${publicKey}`, `key file    ${path}`],
    };
  },
};
