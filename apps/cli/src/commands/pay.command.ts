// `cbdc pay`: a payment signed with the holder's key, sent to the holder's bank; waits for the central ledger's decision unless --async.
import type { PaymentV1Answer } from '@cbdc/contracts';
import { formatYuan, parseYuan } from '@cbdc/wallet-sdk';
import { optionalOption, requiredOption, type CliCommand, type CommandResult } from '../cli-command';
import { bankApi, bankOption, holderOf, keyOption } from './bank-session';

export const payCommand: CliCommand = {
  words: ['pay'],
  summary: 'pay another wallet (amount in yuan); settled, or rejected with the ledger code',
  usage: '--key <file> --to <walletId> --amount <yuan> [--payment-id <id> to retry] [--async] [--passphrase-env VAR] [--bank <url>]',
  options: { to: { type: 'string' }, amount: { type: 'string' }, 'payment-id': { type: 'string' }, async: { type: 'boolean' }, ...keyOption, ...bankOption },
  positionals: { min: 0, max: 0 },
  async run({ options, io }) {
    const payeeWalletId = requiredOption(options, 'to');
    const amount = parseYuan(requiredOption(options, 'amount'));
    const paymentId = optionalOption(options, 'payment-id');
    const { keys, counters } = await holderOf(options, io);
    const answer = await bankApi(options, io, false).pay(keys, counters, { payeeWalletId, amount, ...(paymentId ? { paymentId } : {}), ...(options.async === true ? { respondAsync: true } : {}) });
    return paymentResult(answer);
  },
};

/** What a payment command prints: the bank's answer, and its key facts for people. */
export function paymentResult(answer: PaymentV1Answer): CommandResult {
  const lines = [`payment     ${answer.paymentId}`, `to          ${answer.payeeWalletId}`, `amount      ${formatYuan(BigInt(answer.amount))} yuan`, `status      ${answer.status}`];
  if (answer.sequence !== undefined) lines.push(`sequence    ${answer.sequence}`);
  if (answer.status === 'pending') lines.push(`pending     the ledger has not answered yet; its status is at GET /v1/payments/${answer.paymentId}`);
  return { json: { ...answer }, lines };
}
