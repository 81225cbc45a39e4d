// `cbdc merchant register` and `cbdc merchant request`: bank staff make a wallet a merchant's (webhook) and create payment requests at the bank, which renders and stores the cbdc:pay URI.
import type { MerchantV1, PaymentRequestViewV1 } from '@cbdc/contracts';
import { formatYuan, parseYuan } from '@cbdc/wallet-sdk';
import { integerOption, optionalOption, requiredOption, type CliCommand } from '../cli-command';
import { apiKeyOption, bankOption } from './bank-session';
import { freshId, staffClient } from './staff-client';

/** A request lives 10 minutes unless told otherwise. */
export const merchantRequestExpiresInSecondsDefault = 600;
/** The bank keeps a request a week at most. */
export const merchantRequestExpiresInSecondsMax = 7 * 24 * 3600;

export const merchantRegisterCommand: CliCommand = {
  words: ['merchant', 'register'],
  summary: "bank staff: make a wallet a merchant's, with the webhook that is told of paid requests",
  usage: '--wallet <id> --webhook-url <url> [--bank <url>] [--api-key <key> or CBDC_API_KEY]',
  options: { wallet: { type: 'string' }, 'webhook-url': { type: 'string' }, ...bankOption, ...apiKeyOption },
  positionals: { min: 0, max: 0 },
  async run({ options, io }) {
    const walletId = requiredOption(options, 'wallet');
    const merchant = await staffClient(options, io).request<MerchantV1>('POST', `/v1/merchants/${encodeURIComponent(walletId)}`, { webhookUrl: requiredOption(options, 'webhook-url') });
    return {
      json: { ...merchant },
      // The secret is shown once: the merchant's server needs it to check each webhook's signature.
      lines: [`merchant    ${merchant.walletId}`, `webhook     ${merchant.webhookUrl}`, `secret      ${merchant.webhookSecret ?? '(unchanged)'}`],
    };
  },
};

export const merchantRequestCommand: CliCommand = {
  words: ['merchant', 'request'],
  summary: "bank staff: create a merchant's payment request at the bank and print its URI",
  usage: `--wallet <id> --amount <yuan> --reference <text> [--expires-in <seconds, default ${merchantRequestExpiresInSecondsDefault}>] [--request-id <id>] [--bank <url>] [--api-key <key> or CBDC_API_KEY]`,
  options: { wallet: { type: 'string' }, amount: { type: 'string' }, reference: { type: 'string' }, 'expires-in': { type: 'string' }, 'request-id': { type: 'string' }, ...bankOption, ...apiKeyOption },
  positionals: { min: 0, max: 0 },
  async run({ options, io }) {
    const walletId = requiredOption(options, 'wallet');
    const amount = parseYuan(requiredOption(options, 'amount'));
    const body = {
      requestId: optionalOption(options, 'request-id') ?? freshId('order'),
      amount: amount.toString(),
      reference: requiredOption(options, 'reference'),
      expiresInSeconds: integerOption(options, 'expires-in', merchantRequestExpiresInSecondsDefault, 1, merchantRequestExpiresInSecondsMax),
    };
    const request = await staffClient(options, io).request<PaymentRequestViewV1>('POST', `/v1/merchants/${encodeURIComponent(walletId)}/payment-requests`, body);
    return {
      json: { ...request },
      // The URI alone first, so `uri=$(cbdc merchant request ... | head -1)` works.
      lines: [request.uri, `request     ${request.requestId}`, `payment id  ${request.paymentId}`, `amount      ${formatYuan(BigInt(request.amount))} yuan`, `expires     ${request.expiresAt}`],
    };
  },
};
