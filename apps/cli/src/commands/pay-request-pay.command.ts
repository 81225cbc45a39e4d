// `cbdc pay-request pay`: pays a merchant's cbdc:pay URI with the holder's key; the payment id is derived from the URI, so the request is paid at most once.
import { type CliCommand } from '../cli-command';
import { bankApi, bankOption, holderOf, keyOption } from './bank-session';
import { paymentResult } from './pay.command';

export const payRequestPayCommand: CliCommand = {
  words: ['pay-request', 'pay'],
  summary: "pay a merchant's payment request URI (refused once expired)",
  usage: '<uri> --key <file> [--async] [--passphrase-env VAR] [--bank <url>]',
  options: { async: { type: 'boolean' }, ...keyOption, ...bankOption },
  positionals: { min: 1, max: 1 },
  async run({ options, positionals, io }) {
    const { keys, counters } = await holderOf(options, io);
    const answer = await bankApi(options, io, false).payRequest(keys, counters, positionals[0]!, { now: io.now(), ...(options.async === true ? { respondAsync: true } : {}) });
    return paymentResult(answer);
  },
};
