// `cbdc regulator request | approve | open`: an official's side of an unmasking. Each call is
// signed with the official's key; `approve` opens the official's share locally (with its own
// X25519 key) and submits it; `open` (by the requester, after k approvals) prints the identity.
import { openOfficialShare } from '@cbdc/contracts';
import { toHex } from '@cbdc/crypto';
import { integerOption, requiredOption, type CliCommand } from '../cli-command';
import { callRegulator, officialOptions, readOfficial, readPublicMaterial } from './regulator-official';

export const regulatorRequestCommand: CliCommand = {
  words: ['regulator', 'request'],
  summary: 'ask to unmask a wallet, for a case, on a legal basis (signed by an official)',
  usage: '--official <file> --request-id <id> --case <id> --legal-basis <text> --wallet <id> [--url <regulator>]',
  options: { ...officialOptions, 'request-id': { type: 'string' }, case: { type: 'string' }, 'legal-basis': { type: 'string' }, wallet: { type: 'string' } },
  positionals: { min: 0, max: 0 },
  async run({ options, io }) {
    const official = await readOfficial(io, options);
    const body = {
      requestId: requiredOption(options, 'request-id'),
      caseId: requiredOption(options, 'case'),
      legalBasis: requiredOption(options, 'legal-basis'),
      walletId: requiredOption(options, 'wallet'),
    };
    const answer = await callRegulator(io, options, official, 'POST', '/v1/unmasking-requests', body);
    return { json: answer, lines: [`request ${body.requestId}: ${String(answer.status)}, needs ${String(answer.threshold)} approvals`] };
  },
};

export const regulatorApproveCommand: CliCommand = {
  words: ['regulator', 'approve'],
  summary: "approve an unmasking: open this official's share locally and submit it",
  usage: '--official <file> --public <regulator-public.json> --request-id <id> [--url <regulator>]',
  options: { ...officialOptions, public: { type: 'string' }, 'request-id': { type: 'string' } },
  positionals: { min: 0, max: 0 },
  async run({ options, io }) {
    const official = await readOfficial(io, options);
    const material = await readPublicMaterial(io, requiredOption(options, 'public'));
    const share = openOfficialShare(material, official);
    const requestId = requiredOption(options, 'request-id');
    try {
      const answer = await callRegulator(io, options, official, 'POST', `/v1/unmasking-requests/${encodeURIComponent(requestId)}/approvals`, { share: toHex(share) });
      const approvedBy = answer.approvedBy as string[];
      return { json: answer, lines: [`approved by ${official.officialId}; ${approvedBy.length} of ${String(answer.threshold)} approvals`] };
    } finally {
      share.fill(0);
    }
  },
};

export const regulatorOpenCommand: CliCommand = {
  words: ['regulator', 'open'],
  summary: 'open an approved unmasking (requester only) and print the identity',
  usage: '--official <file> --request-id <id> [--url <regulator>]',
  options: { ...officialOptions, 'request-id': { type: 'string' } },
  positionals: { min: 0, max: 0 },
  async run({ options, io }) {
    const official = await readOfficial(io, options);
    const requestId = requiredOption(options, 'request-id');
    const answer = await callRegulator(io, options, official, 'POST', `/v1/unmasking-requests/${encodeURIComponent(requestId)}/open`);
    const identity = answer.identity as Record<string, unknown>;
    return {
      json: answer,
      lines: [
        `wallet       ${String(identity.walletId)} (class ${String(identity.walletClass)}, ${String(identity.operatorId)})`,
        `name         ${String(identity.name)}`,
        `ID number    ${String(identity.idNumber ?? '-')}`,
        `phone        ${String(identity.phone)}`,
        `audit digest ${String(answer.auditDigest)} (ledger command ${String(answer.anchorCommandId)})`,
      ],
    };
  },
};

export const regulatorReportsCommand: CliCommand = {
  words: ['regulator', 'reports'],
  summary: 'list the reports the regulator received, newest first (signed by an official)',
  usage: '--official <file> [--limit <n>] [--url <regulator>]',
  options: { ...officialOptions, limit: { type: 'string' } },
  positionals: { min: 0, max: 0 },
  async run({ options, io }) {
    const official = await readOfficial(io, options);
    const limit = integerOption(options, 'limit', 20, 1, 100);
    const answer = await callRegulator(io, options, official, 'GET', `/v1/reports?limit=${limit}`);
    const reports = answer.reports as { reportId: string; reportKind: string; payments: { amount: string }[]; escrows: { walletId: string }[] }[];
    return {
      json: answer,
      lines: reports.length === 0 ? ['no reports'] : reports.map((r) => `${r.reportKind.padEnd(12)} ${r.reportId}  ${r.payments.length} payment(s), wallets ${r.escrows.map((e) => e.walletId).join(', ')}`),
    };
  },
};
