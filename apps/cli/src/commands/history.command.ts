// `cbdc history`: the wallet's loads, unloads and payments in and out, newest first, read with a request signed by the wallet key.
import { walletHistoryEntriesMax } from '@cbdc/contracts';
import { formatYuan } from '@cbdc/wallet-sdk';
import { integerOption, type CliCommand } from '../cli-command';
import { bankApi, bankOption, holderOf, keyOption } from './bank-session';

const signOf: Readonly<Record<string, string>> = { load: '+', 'payment-in': '+', unload: '-', 'payment-out': '-' };

export const historyCommand: CliCommand = {
  words: ['history'],
  summary: "show the wallet's history, newest first (a request signed with the wallet key)",
  usage: `--key <file> [--limit <1..${walletHistoryEntriesMax}>] [--passphrase-env VAR] [--bank <url>]`,
  options: { limit: { type: 'string' }, ...keyOption, ...bankOption },
  positionals: { min: 0, max: 0 },
  async run({ options, io }) {
    const limit = integerOption(options, 'limit', 20, 1, walletHistoryEntriesMax);
    const { keys } = await holderOf(options, io);
    const history = await bankApi(options, io, false).history(keys, limit);
    const lines = [`wallet id   ${history.walletId}`, `balance     ${formatYuan(BigInt(history.balance))} yuan`];
    for (const entry of history.entries) {
      const amount = `${signOf[entry.kind] ?? ''}${formatYuan(BigInt(entry.amount))}`.padStart(14);
      lines.push(`${entry.at}  ${entry.kind.padEnd(11)} ${amount}  ${entry.reference}${entry.counterparty ? `  ${entry.counterparty}` : ''}`);
    }
    return { json: { ...history }, lines };
  },
};
