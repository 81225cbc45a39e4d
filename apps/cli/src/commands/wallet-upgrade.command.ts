// `cbdc wallet upgrade`: bank staff move a wallet to class 3 (with an ID number), 2 (its customer's deposit account linked) or, after meeting the holder, 1.
import type { WalletClassChangeViewV1 } from '@cbdc/contracts';
import { integerOption, optionalOption, requiredOption, UsageError, type CliCommand } from '../cli-command';
import { apiKeyOption, bankOption, decided } from './bank-session';
import { freshId, staffClient } from './staff-client';

export const walletUpgradeCommand: CliCommand = {
  words: ['wallet', 'upgrade'],
  summary: 'bank staff: upgrade a wallet to class 3, 2 or (verified in person) 1',
  usage:
    '--wallet <id> --class 3|2|1 [--id-number <text>] [--document-expires YYYY-MM-DD] [--in-person] [--change-id <id>] [--wait] [--bank <url>] [--api-key <key> or CBDC_API_KEY]',
  options: {
    wallet: { type: 'string' },
    class: { type: 'string' },
    'id-number': { type: 'string' },
    'document-expires': { type: 'string' },
    'in-person': { type: 'boolean' },
    'change-id': { type: 'string' },
    wait: { type: 'boolean' },
    ...bankOption,
    ...apiKeyOption,
  },
  positionals: { min: 0, max: 0 },
  async run({ options, io }) {
    const walletId = requiredOption(options, 'wallet');
    const walletClass = integerOption(options, 'class', 0, 1, 3);
    const inPerson = options['in-person'] === true;
    if (walletClass === 1 && !inPerson) throw new UsageError('class 1 needs --in-person: staff verified the holder face to face');
    const changeId = optionalOption(options, 'change-id') ?? freshId('upgrade');
    const idNumber = optionalOption(options, 'id-number');
    const documentExpiresOn = optionalOption(options, 'document-expires');
    const body = { changeId, ...(idNumber ? { idNumber } : {}), ...(documentExpiresOn ? { documentExpiresOn } : {}) };
    const client = staffClient(options, io);
    const path = `/v1/wallets/${encodeURIComponent(walletId)}`;
    let change = inPerson
      ? await client.request<WalletClassChangeViewV1>('POST', `${path}/in-person-verifications`, body)
      : await client.request<WalletClassChangeViewV1>('POST', `${path}/class-changes`, { ...body, walletClass });
    if (options.wait === true) change = await decided(() => client.request<WalletClassChangeViewV1>('GET', `${path}/class-changes/${encodeURIComponent(changeId)}`));
    return {
      json: { ...change },
      lines: [`change      ${change.changeId}`, `wallet      ${walletId}`, `class       ${change.fromClass} -> ${change.toClass}`, `status      ${change.status}${change.code ? ` (${change.code})` : ''}`],
    };
  },
};
