// `cbdc proof <payment-id> --bank <url>`: fetches a payment's inclusion proof from the payer's or
// payee's bank and verifies it HERE: the entry hashes to its leaf, the leaf is in the block's
// Merkle root, the central bank signed that header, and a quorum of operators endorsed it. The
// bank is not trusted: a proof that does not verify is exit 1 with the reason.
import { quorumDefault, verifyEntryProof } from '@cbdc/anchor';
import { fromHex } from '@cbdc/crypto';
import { CliFailure, integerOption, optionalOption, requiredOption, UsageError, type CliCommand } from '../cli-command';
import { centralBankKeyOption, operatorKeysOption } from './audit-verify.command';

/** How long the bank (or the central bank, for its key) may take to answer. */
export const proofFetchTimeoutMs = 10_000;

async function getJson(url: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(proofFetchTimeoutMs) });
  } catch (error) {
    throw new CliFailure('UNREACHABLE', `${url}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const code = (body as { code?: unknown } | undefined)?.code;
    throw new CliFailure(typeof code === 'string' ? code : `HTTP_${response.status}`, `${url} answered ${response.status}: ${JSON.stringify(body)}`);
  }
  return body;
}

export const proofCommand: CliCommand = {
  words: ['proof'],
  summary: "fetch a payment's inclusion proof from a bank and verify it locally against the endorsed header",
  usage: '<payment-id> --bank <url> (--central-bank-key <hex> | --central-bank <url>) [--operator-key <id>=<hex> ...] [--quorum <n>]',
  options: {
    bank: { type: 'string' },
    'central-bank': { type: 'string' },
    'central-bank-key': { type: 'string' },
    'operator-key': { type: 'string', multiple: true },
    quorum: { type: 'string' },
  },
  positionals: { min: 1, max: 1 },
  async run({ options, positionals }) {
    const paymentId = positionals[0]!;
    if (!/^[A-Za-z0-9._:-]{1,128}$/.test(paymentId)) throw new UsageError('a payment id is 1..128 characters [A-Za-z0-9._:-]');
    const bank = requiredOption(options, 'bank').replace(/\/+$/, '');
    let centralBankKey = centralBankKeyOption(options);
    const centralBankUrl = optionalOption(options, 'central-bank');
    if (centralBankKey === undefined && centralBankUrl !== undefined) {
      const info = (await getJson(`${centralBankUrl.replace(/\/+$/, '')}/v1/central-bank`)) as { publicKey?: unknown };
      if (typeof info.publicKey !== 'string' || !/^[0-9a-f]{64}$/.test(info.publicKey)) throw new CliFailure('BAD_CENTRAL_BANK_INFO', 'the central bank did not give a public key');
      centralBankKey = fromHex(info.publicKey);
    }
    if (centralBankKey === undefined) throw new UsageError('give --central-bank-key or --central-bank <url> (the key the proof is checked against)');
    const proof = (await getJson(`${bank}/v1/proofs/payments/${encodeURIComponent(paymentId)}`)) as Record<string, unknown>;
    // Without --operator-key the keys are those the bank's replica recorded with each endorsement.
    let operatorKeys = operatorKeysOption(options);
    const keysFromBank = operatorKeys === undefined;
    if (operatorKeys === undefined) {
      const listed = Array.isArray(proof.endorserKeys) ? (proof.endorserKeys as { operatorId?: unknown; publicKey?: unknown }[]) : [];
      operatorKeys = new Map(listed.filter((k) => typeof k.operatorId === 'string' && typeof k.publicKey === 'string' && /^[0-9a-f]{64}$/.test(k.publicKey)).map((k) => [k.operatorId as string, fromHex(k.publicKey as string)]));
    }
    const quorum = optionalOption(options, 'quorum') !== undefined ? integerOption(options, 'quorum', 1, 1, 256) : quorumDefault(operatorKeys.size);
    const { endorserKeys: _keys, final: _final, ...wireProof } = proof;
    const problems = verifyEntryProof(wireProof, { centralBankPublicKey: centralBankKey, operatorKeys, quorum });
    if (problems.length > 0) {
      throw new CliFailure('PROOF_INVALID', [`the proof of payment ${paymentId} does NOT verify:`, ...problems.map((p) => `${p.code}: ${p.detail}`)].join('\n'));
    }
    const entry = proof.entry as { sequence: string; amount: string; debit: string; credit: string };
    const block = proof.block as { header: { height: string }; blockHash: string; endorsements: { operatorId: string }[] };
    return {
      json: { paymentId, verified: true, sequence: entry.sequence, amount: entry.amount, height: block.header.height, blockHash: block.blockHash, endorsers: block.endorsements.map((e) => e.operatorId), quorum },
      lines: [
        `verified    payment ${paymentId} is entry ${entry.sequence} (${entry.amount} fen, ${entry.debit} -> ${entry.credit})`,
        `block       ${block.header.height} ${block.blockHash}`,
        `endorsed    by ${block.endorsements.map((e) => e.operatorId).join(', ')} (quorum ${quorum}${keysFromBank ? ', operator keys as the bank recorded them' : ''})`,
      ],
    };
  },
};
