// `cbdc load`: bank staff move a customer's deposit into the customer's wallet as digital cash.
import { formatYuan, parseYuan } from '@cbdc/wallet-sdk';
import { optionalOption, requiredOption, UsageError, type CliCommand } from '../cli-command';
import { apiKeyOption, bankApi, bankOption, decided, failIfRejected, walletIdOf } from './bank-session';

export const loadCommand: CliCommand = {
  words: ['load'],
  summary: "bank staff: load a wallet from its customer's deposit (amount in yuan)",
  usage: '(--wallet <id> | --key <file>) --amount <yuan> [--load-id <id>] [--wait] [--bank <url>] [--api-key <key> or CBDC_API_KEY]',
  options: { wallet: { type: 'string' }, key: { type: 'string' }, amount: { type: 'string' }, 'load-id': { type: 'string' }, wait: { type: 'boolean' }, ...bankOption, ...apiKeyOption },
  positionals: { min: 0, max: 0 },
  async run({ options, io }) {
    const given = optionalOption(options, 'wallet');
    if (given === undefined && optionalOption(options, 'key') === undefined) throw new UsageError('--wallet or --key is required');
    const walletId = given ?? (await walletIdOf(options, io));
    const amount = parseYuan(requiredOption(options, 'amount'));
    const api = bankApi(options, io, true);
    const loadId = optionalOption(options, 'load-id');
    let request = await api.load(walletId, amount, ...(loadId ? [loadId] : []));
    if (options.wait === true) request = await decided(() => api.loadStatus(walletId, request.requestId));
    failIfRejected(request, 'load');
    return {
      json: { ...request },
      lines: [`load        ${request.requestId}`, `wallet      ${walletId}`, `amount      ${formatYuan(amount)} yuan`, `status      ${request.status}`],
    };
  },
};
