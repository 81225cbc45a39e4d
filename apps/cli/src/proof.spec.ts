// Proves `cbdc proof <payment-id> --bank <url>` fetches a payment's proof over HTTP and verifies it locally: exit 0 for an honest proof, exit 1 naming the failure when the bank serves a proof whose entry was altered or whose block lacks its quorum.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { blockToWire, buildBlockHeader, buildMerkleTree, endorseBlockHeader, entryHash, entryToWire, genesisPreviousHash, signBlockHeader, type AnchorEntry } from '@cbdc/anchor';
import { publicKeyFromPrivateKey, toHex } from '@cbdc/crypto';
import { run } from './cli';
import type { CliIo } from './cli-command';

const keyFrom = (label: string): Uint8Array => Uint8Array.from(createHash('sha256').update(label).digest());
const centralBankKey = keyFrom('proof central bank');
const operators = new Map(['bank-a', 'bank-b'].map((id) => [id, keyFrom(`proof ${id}`)]));

const entries: AnchorEntry[] = [1n, 2n, 3n].map((sequence) => ({
  sequence,
  commandId: `pay-${sequence}`,
  kind: 'ledger.payment',
  debit: 'wallet:a',
  credit: 'wallet:b',
  amount: 100n * sequence,
  batchId: 1n,
  committedAt: 1_767_225_600_000,
}));
const header = buildBlockHeader({ height: 0n, previousHash: genesisPreviousHash, firstSequence: 1n, entryHashes: entries.map(entryHash), sealedAt: 1 });
const tree = buildMerkleTree(entries.map(entryHash));

function proofOf(endorsers: readonly string[]): Record<string, unknown> {
  const endorsements = endorsers.map((id) => endorseBlockHeader(header, id, operators.get(id)!));
  return {
    entry: entryToWire(entries[1]!),
    index: 1,
    proof: tree.proof(1).map(toHex),
    block: blockToWire({ header, centralBankSignature: signBlockHeader(header, centralBankKey), endorsements }),
    final: true,
    endorserKeys: [...operators].map(([operatorId, key]) => ({ operatorId, publicKey: toHex(publicKeyFromPrivateKey(key)) })),
  };
}

describe('cbdc proof', () => {
  let served: Record<string, unknown> = proofOf(['bank-a', 'bank-b']);
  let server: Server;
  let url = '';
  beforeAll(async () => {
    server = createServer((request, response) => {
      response.setHeader('content-type', 'application/json');
      if (request.url === '/v1/central-bank') {
        response.end(JSON.stringify({ publicKey: toHex(publicKeyFromPrivateKey(centralBankKey)) }));
      } else if (request.url === '/v1/proofs/payments/pay-2') {
        response.end(JSON.stringify(served));
      } else {
        response.statusCode = 404;
        response.end(JSON.stringify({ code: 'NOT_FOUND', message: 'no such payment' }));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());

  const runProof = async (...args: string[]): Promise<{ code: number; out: string }> => {
    const out: string[] = [];
    const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => out.push(t), env: {}, now: () => new Date(0), cwd: process.cwd() };
    const code = await run(['proof', ...args], io);
    return { code, out: out.join('') };
  };

  it('verifies an honest proof against the endorsed header', async () => {
    served = proofOf(['bank-a', 'bank-b']);
    const result = await runProof('pay-2', '--bank', url, '--central-bank', url);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/verified {4}payment pay-2 is entry 2 \(200 fen/);
  });

  it('refuses an altered entry and a block below its quorum, and reports an unknown payment', async () => {
    const altered = proofOf(['bank-a', 'bank-b']);
    altered.entry = { ...(altered.entry as object), amount: '201' };
    served = altered;
    expect(await runProof('pay-2', '--bank', url, '--central-bank', url)).toMatchObject({ code: 1, out: expect.stringMatching(/NOT_INCLUDED/) });
    served = proofOf(['bank-a']);
    expect(await runProof('pay-2', '--bank', url, '--central-bank', url)).toMatchObject({ code: 1, out: expect.stringMatching(/BELOW_QUORUM/) });
    expect(await runProof('pay-9', '--bank', url, '--central-bank', url)).toMatchObject({ code: 1, out: expect.stringMatching(/NOT_FOUND/) });
  });
});
