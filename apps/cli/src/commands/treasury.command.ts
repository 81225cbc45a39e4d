// `cbdc treasury show|issue|recall`: bank staff look at the vault and its watermarks, and ask the central bank to issue or recall.
import type { TreasuryRequestViewV1, TreasuryViewV1 } from '@cbdc/contracts';
import { formatYuan, parseYuan } from '@cbdc/wallet-sdk';
import { optionalOption, requiredOption, type CliCommand } from '../cli-command';
import { apiKeyOption, bankOption, decided } from './bank-session';
import { freshId, staffClient } from './staff-client';

export const treasuryShowCommand: CliCommand = {
  words: ['treasury', 'show'],
  summary: "bank staff: the bank's vault, its watermarks and the request in flight",
  usage: '[--bank <url>] [--api-key <key> or CBDC_API_KEY]',
  options: { ...bankOption, ...apiKeyOption },
  positionals: { min: 0, max: 0 },
  async run({ options, io }) {
    const view = await staffClient(options, io).request<TreasuryViewV1>('GET', '/v1/treasury');
    return {
      json: { ...view },
      lines: [
        `vault       ${formatYuan(BigInt(view.vault))} yuan`,
        `watermarks  ${formatYuan(BigInt(view.low))} .. ${formatYuan(BigInt(view.high))} yuan (target ${formatYuan(BigInt(view.target))})`,
        `in flight   ${view.inFlight ? `${view.inFlight.direction} ${formatYuan(BigInt(view.inFlight.amount))} yuan (${view.inFlight.status})` : 'none'}`,
      ],
    };
  },
};

function orderCommand(direction: 'issue' | 'recall'): CliCommand {
  return {
    words: ['treasury', direction],
    summary: `bank staff: ask the central bank to ${direction} digital cash ${direction === 'issue' ? 'into' : 'out of'} the vault`,
    usage: '--amount <yuan> [--request-id <id>] [--wait] [--bank <url>] [--api-key <key> or CBDC_API_KEY]',
    options: { amount: { type: 'string' }, 'request-id': { type: 'string' }, wait: { type: 'boolean' }, ...bankOption, ...apiKeyOption },
    positionals: { min: 0, max: 0 },
    async run({ options, io }) {
      const client = staffClient(options, io);
      const amount = parseYuan(requiredOption(options, 'amount'));
      const requestId = optionalOption(options, 'request-id') ?? freshId(direction);
      let request = await client.request<TreasuryRequestViewV1>('POST', `/v1/treasury/${direction}`, { requestId, amount: amount.toString() });
      if (options.wait === true) {
        request = await decided(async () => {
          const seen = await client.request<TreasuryRequestViewV1>('GET', `/v1/treasury/requests/${encodeURIComponent(request.requestId)}`);
          // `decided` waits while the status is pending; requested and pending-approval both are.
          return { ...seen, status: seen.status === 'requested' || seen.status === 'pending-approval' ? 'pending' : seen.status } as TreasuryRequestViewV1;
        });
      }
      return {
        json: { ...request },
        lines: [`request     ${request.requestId}`, `${direction.padEnd(12)}${formatYuan(amount)} yuan`, `status      ${request.status}${request.code ? ` (${request.code})` : ''}`],
      };
    },
  };
}

export const treasuryIssueCommand = orderCommand('issue');
export const treasuryRecallCommand = orderCommand('recall');
