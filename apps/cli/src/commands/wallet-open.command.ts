// `cbdc wallet open`: bank staff open a wallet for a customer with the holder's public key (from its key file; the private key stays with the holder).
import { integerOption, optionalOption, requiredOption, type CliCommand } from '../cli-command';
import { readTextFile } from '../cli-files';
import { readKeyFile } from '@cbdc/wallet-sdk';
import { fromHex } from '@cbdc/crypto';
import { apiKeyOption, bankApi, bankOption, decided } from './bank-session';

export const walletOpenCommand: CliCommand = {
  words: ['wallet', 'open'],
  summary: 'bank staff: open a wallet for a customer with the public key of a key file',
  usage: '--key <file> --customer <id> [--class 4|3] [--request-id <id>] [--wait] [--bank <url>] [--api-key <key> or CBDC_API_KEY]',
  options: { key: { type: 'string' }, customer: { type: 'string' }, class: { type: 'string' }, 'request-id': { type: 'string' }, wait: { type: 'boolean' }, ...bankOption, ...apiKeyOption },
  positionals: { min: 0, max: 0 },
  async run({ options, io }) {
    const file = readKeyFile(await readTextFile(io, requiredOption(options, 'key')));
    const customerId = requiredOption(options, 'customer');
    const walletClass = integerOption(options, 'class', 4, 3, 4) as 3 | 4;
    const requestId = optionalOption(options, 'request-id');
    const api = bankApi(options, io, true);
    let wallet = await api.openWallet({ walletId: file.walletId, publicKey: fromHex(file.publicKey) }, { customerId, walletClass, ...(requestId ? { requestId } : {}) });
    if (options.wait === true) wallet = await decided(() => api.wallet(file.walletId));
    return {
      json: { walletId: wallet.walletId, customerId: wallet.customerId, walletClass: wallet.walletClass, status: wallet.status, rejectionCode: wallet.rejectionCode },
      lines: [`wallet id   ${wallet.walletId}`, `class       ${wallet.walletClass}`, `status      ${wallet.status}${wallet.rejectionCode ? ` (${wallet.rejectionCode})` : ''}`],
    };
  },
};
