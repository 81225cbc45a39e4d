// Proves `cbdc audit verify --file` passes an honest auditor's export and names what broke in a tampered one (an entry's amount, two blocks swapped, an endorsement by an unknown key), with exit code 1 from the command line.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  anchorExportFormat,
  blockHash,
  blockToWire,
  buildBlockHeader,
  endorseBlockHeader,
  entryHash,
  genesisPreviousHash,
  signBlockHeader,
  type AnchorEntry,
  type AnchorExport,
} from '@cbdc/anchor';
import { publicKeyFromPrivateKey, toHex } from '@cbdc/crypto';
import { run } from './cli';
import type { CliIo } from './cli-command';
import { auditVerify } from './commands/audit-verify.command';

const keyFrom = (label: string): Uint8Array => Uint8Array.from(createHash('sha256').update(label).digest());
const centralBankKey = keyFrom('audit central bank');
const operators = new Map(['bank-a', 'bank-b'].map((id) => [id, keyFrom(`audit ${id}`)]));

function honestExport(): AnchorExport {
  const blocks = [];
  let previousHash = genesisPreviousHash;
  let next = 1n;
  for (let height = 0n; height < 3n; height++) {
    const entries: AnchorEntry[] = [0n, 2n].map((offset) => ({
      sequence: next + offset,
      commandId: `cmd-${next + offset}`,
      kind: 'ledger.payment',
      debit: 'wallet:a',
      credit: 'wallet:b',
      amount: 100n + offset,
      batchId: height,
      committedAt: 1_767_225_600_000,
    }));
    const header = buildBlockHeader({ height, previousHash, firstSequence: next, lastSequence: next + 2n, entryHashes: entries.map(entryHash), sealedAt: 1 });
    const endorsements = [...operators].map(([id, key]) => endorseBlockHeader(header, id, key));
    blocks.push(blockToWire({ header, centralBankSignature: signBlockHeader(header, centralBankKey), endorsements, entries }));
    previousHash = blockHash(header);
    next += 3n;
  }
  return {
    format: anchorExportFormat,
    exportedAt: new Date(0).toISOString(),
    centralBankPublicKey: toHex(publicKeyFromPrivateKey(centralBankKey)),
    operators: [...operators].map(([id, key]) => ({ id, publicKey: toHex(publicKeyFromPrivateKey(key)) })),
    quorum: 2,
    sparseSequences: true,
    blocks,
  };
}

describe('cbdc audit verify --file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cbdc-audit-'));
  const file = path.join(dir, 'export.json');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const verify = async (document: AnchorExport): Promise<string[]> => {
    writeFileSync(file, JSON.stringify(document));
    const report = await auditVerify({ file });
    return report.problems.map((p) => `${p.height}:${p.code}`);
  };

  it('passes an honest export', async () => {
    expect(await verify(honestExport())).toEqual([]);
  });

  it("names the block of an entry whose amount changed", async () => {
    const document = honestExport();
    document.blocks[1]!.entries![0]!.amount = '1';
    expect(await verify(document)).toEqual(['1:MERKLE_ROOT_MISMATCH']);
  });

  it('names two blocks swapped', async () => {
    const document = honestExport();
    [document.blocks[1], document.blocks[2]] = [document.blocks[2]!, document.blocks[1]!];
    expect(await verify(document)).toEqual(expect.arrayContaining(['2:HEIGHT_GAP', '2:BROKEN_LINK', '1:HEIGHT_GAP', '1:BROKEN_LINK']));
  });

  it('refuses an endorsement under a key that is not the operator key given on the command line', async () => {
    const document = honestExport();
    writeFileSync(file, JSON.stringify(document));
    const impostor = publicKeyFromPrivateKey(keyFrom('impostor'));
    const report = await auditVerify({ file, operatorKeys: new Map([['bank-a', impostor], ['bank-b', publicKeyFromPrivateKey(operators.get('bank-b')!)]]) });
    expect(report.problems.map((p) => `${p.height}:${p.code}:${p.operatorId ?? ''}`)).toEqual(
      expect.arrayContaining(['0:BAD_ENDORSEMENT_SIGNATURE:bank-a', '0:BELOW_QUORUM:', '2:BAD_ENDORSEMENT_SIGNATURE:bank-a']),
    );
  });

  it('exits 1 and prints each problem from the command line; 0 when it holds', async () => {
    const out: string[] = [];
    const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => out.push(t), env: {}, now: () => new Date(0), cwd: dir };
    writeFileSync(file, JSON.stringify(honestExport()));
    expect(await run(['audit', 'verify', '--file', 'export.json'], io)).toBe(0);
    const document = honestExport();
    document.blocks[0]!.centralBankSignature = '00'.repeat(64);
    writeFileSync(file, JSON.stringify(document));
    out.length = 0;
    expect(await run(['audit', 'verify', '--file', 'export.json'], io)).toBe(1);
    expect(out.join('')).toMatch(/block 0 \(position 0\): BAD_CENTRAL_BANK_SIGNATURE/);
    expect(await run(['audit', 'verify', '--file', 'export.json', '--database-url', 'postgres://x'], io)).toBe(2);
  });
});
