// `cbdc unload`: digital cash back into the customer's deposit, signed by the holder's key and sent through bank staff.
import { formatYuan, parseYuan } from '@cbdc/wallet-sdk';
import { optionalOption, requiredOption, type CliCommand } from '../cli-command';
import { apiKeyOption, bankApi, bankOption, decided, failIfRejected, holderOf, keyOption } from './bank-session';

export const unloadCommand: CliCommand = {
  words: ['unload'],
  summary: "unload a wallet into its customer's deposit (holder-signed; a bank staff call)",
  usage: '--key <file> --amount <yuan> [--unload-id <id>] [--wait] [--passphrase-env VAR] [--bank <url>] [--api-key <key> or CBDC_API_KEY]',
  options: { amount: { type: 'string' }, 'unload-id': { type: 'string' }, wait: { type: 'boolean' }, ...keyOption, ...bankOption, ...apiKeyOption },
  positionals: { min: 0, max: 0 },
  async run({ options, io }) {
    const amount = parseYuan(requiredOption(options, 'amount'));
    const api = bankApi(options, io, true);
    const { keys, counters } = await holderOf(options, io);
    const unloadId = optionalOption(options, 'unload-id');
    let request = await api.unload(keys, counters, amount, ...(unloadId ? [unloadId] : []));
    if (options.wait === true) request = await decided(() => api.unloadStatus(keys.walletId, request.requestId));
    failIfRejected(request, 'unload');
    return {
      json: { ...request },
      lines: [`unload      ${request.requestId}`, `wallet      ${keys.walletId}`, `amount      ${formatYuan(amount)} yuan`, `status      ${request.status}`],
    };
  },
};
