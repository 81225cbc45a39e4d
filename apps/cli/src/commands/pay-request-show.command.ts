// `cbdc pay-request show`: what a payment request URI asks for, checked and refused once expired.
import { formatYuan, parsePaymentRequestUri } from '@cbdc/wallet-sdk';
import type { CliCommand } from '../cli-command';

export const payRequestShowCommand: CliCommand = {
  words: ['pay-request', 'show'],
  summary: 'check a payment request URI and show what it asks for',
  usage: '<uri>',
  options: {},
  positionals: { min: 1, max: 1 },
  async run({ positionals, io }) {
    const now = io.now();
    const request = parsePaymentRequestUri(positionals[0]!, now);
    const secondsLeft = Math.floor((request.expiresAt.getTime() - now.getTime()) / 1000);
    const amountYuan = formatYuan(request.amount);
    return {
      json: {
        payeeWalletId: request.payeeWalletId,
        amount: request.amount.toString(),
        amountYuan,
        reference: request.reference,
        expiresAt: request.expiresAt.toISOString(),
        secondsLeft,
        operatorId: request.operatorId ?? null,
      },
      lines: [
        `payee      ${request.payeeWalletId}`,
        `amount     ${amountYuan} yuan (${request.amount} fen)`,
        `reference  ${request.reference}`,
        `expires    ${request.expiresAt.toISOString()} (in ${secondsLeft} s)`,
        `operator   ${request.operatorId ?? '(not named)'}`,
      ],
    };
  },
};
