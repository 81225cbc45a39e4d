// `cbdc balance`: the wallet's balance as its bank mirrors the central ledger, read with a request signed by the wallet key.
import { formatYuan } from '@cbdc/wallet-sdk';
import { type CliCommand } from '../cli-command';
import { bankApi, bankOption, holderOf, keyOption } from './bank-session';

export const balanceCommand: CliCommand = {
  words: ['balance'],
  summary: "show the wallet's balance (a request signed with the wallet key)",
  usage: '--key <file> [--passphrase-env VAR] [--bank <url>]',
  options: { ...keyOption, ...bankOption },
  positionals: { min: 0, max: 0 },
  async run({ options, io }) {
    const { keys } = await holderOf(options, io);
    const balance = await bankApi(options, io, false).balance(keys);
    return {
      json: { ...balance },
      lines: [`wallet id   ${balance.walletId}`, `class       ${balance.walletClass}`, `status      ${balance.status}`, `balance     ${formatYuan(BigInt(balance.balance))} yuan`],
    };
  },
};
