// `cbdc pay-request create`: a merchant's payment request as a cbdc:pay URI, ready for a QR code.
import { formatPaymentRequestUri, formatYuan, parseYuan, type PaymentRequest } from '@cbdc/wallet-sdk';
import { integerOption, optionalOption, requiredOption, type CliCommand } from '../cli-command';

/** A request lives 10 minutes unless told otherwise: long enough to scan and pay at a till. */
export const expiresInSecondsDefault = 600;
/** At most 30 days: a request is for one sale, not a standing invoice. */
export const expiresInSecondsMax = 30 * 24 * 3600;

export const payRequestCreateCommand: CliCommand = {
  words: ['pay-request', 'create'],
  summary: 'print a payment request URI for a payer to scan',
  usage: `--payee <walletId> --amount <yuan> --reference <text> [--expires-in <seconds, default ${expiresInSecondsDefault}>] [--operator <id>]`,
  options: { payee: { type: 'string' }, amount: { type: 'string' }, reference: { type: 'string' }, 'expires-in': { type: 'string' }, operator: { type: 'string' } },
  positionals: { min: 0, max: 0 },
  async run({ options, io }) {
    const payeeWalletId = requiredOption(options, 'payee');
    const amountText = requiredOption(options, 'amount');
    const reference = requiredOption(options, 'reference');
    const expiresIn = integerOption(options, 'expires-in', expiresInSecondsDefault, 1, expiresInSecondsMax);
    const operatorId = optionalOption(options, 'operator');
    const request: PaymentRequest = {
      payeeWalletId,
      amount: parseYuan(amountText),
      reference,
      expiresAt: new Date(io.now().getTime() + expiresIn * 1000),
    };
    if (operatorId !== undefined) request.operatorId = operatorId;
    const uri = formatPaymentRequestUri(request);
    return {
      json: {
        uri,
        payeeWalletId,
        amount: request.amount.toString(),
        amountYuan: formatYuan(request.amount),
        reference,
        expiresAt: new Date(Math.floor(request.expiresAt.getTime() / 1000) * 1000).toISOString(),
        operatorId: operatorId ?? null,
      },
      // The URI alone, so `uri=$(cbdc pay-request create ...)` works.
      lines: [uri],
    };
  },
};
