// `cbdc audit verify`: checks a whole anchor chain (ARCHITECTURE.md §8) from a central bank's
// database, an operator's replica database, or an auditor's export file: links, the central
// bank's signatures, the endorsement quorum under the operators' keys, and, where the entries are
// present, every Merkle root recomputed. Exit 0 only if everything holds; otherwise exit 1 and
// one line per problem: the block height, a stable code and what broke.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { blockHash, quorumDefault, verifyChain, verifyEndorsement, type ChainAnchorPoint, type ChainProblem } from '@cbdc/anchor';
import { fromHex } from '@cbdc/crypto';
import { CliFailure, integerOption, optionalOption, UsageError, type CliCommand, type OptionValues } from '../cli-command';
import { readDatabase, readExport, type ChainSource } from '../anchor/chain-source';

/** Largest export file read, in bytes. */
export const exportFileBytesMax = 1024 * 1024 * 1024;

export interface AuditVerifyOptions {
  databaseUrl?: string;
  file?: string;
  /** Overrides the central bank's key the source records. */
  centralBankKey?: Uint8Array;
  /** When given, these are the only operator keys trusted (the source's are ignored). */
  operatorKeys?: Map<string, Uint8Array>;
  /** One quorum for every block; default each block's recorded quorum, else a majority of the keys. */
  quorum?: number;
}

export interface AuditReport {
  ok: boolean;
  source: ChainSource['kind'];
  blocks: number;
  /** Height of the first block: above 0 for a replica of an operator that joined after genesis. */
  firstHeight: string | null;
  entriesRecomputed: number;
  /** The quorum used where a block records none. */
  quorum: number;
  operators: string[];
  /** Blocks at the end of the chain still waiting for their quorum (not a failure). */
  pendingTail: number;
  unsealedEntries: number;
  problems: ChainProblem[];
}

/** Verifies a chain; the function the command and the tamper tests run. */
export async function auditVerify(options: AuditVerifyOptions): Promise<AuditReport> {
  let source: ChainSource;
  if (options.databaseUrl !== undefined) {
    source = await readDatabase(options.databaseUrl);
  } else if (options.file !== undefined) {
    const text = await readFile(options.file, 'utf8');
    if (text.length > exportFileBytesMax) throw new CliFailure('FILE_TOO_LARGE', `${options.file} is larger than ${exportFileBytesMax} bytes`);
    source = readExport(text);
  } else {
    throw new UsageError('give --database-url or --file');
  }
  const centralBankPublicKey = options.centralBankKey ?? source.centralBankPublicKey;
  if (centralBankPublicKey === undefined) throw new CliFailure('NO_CENTRAL_BANK_KEY', 'the source records no central-bank key; give --central-bank-key');
  const operatorKeys = options.operatorKeys ?? source.operatorKeys;
  const quorum = options.quorum ?? source.quorum ?? quorumDefault(operatorKeys.size);
  // A replica of an operator registered after genesis starts at the first block it was sent: its
  // chain is checked from there on, trusting that block's link to the one before.
  const first = source.blocks[0]?.header;
  const after: ChainAnchorPoint | undefined =
    source.kind === 'replica-database' && first !== undefined && first.height > 0n
      ? { height: first.height - 1n, hash: first.previousHash, lastSequence: first.firstSequence - 1n }
      : undefined;
  // The quorum is checked per block below (the operator set grows; each block keeps its own quorum).
  const all = verifyChain(source.blocks, { centralBankPublicKey, operatorKeys, quorum: 0, sparseSequences: true, ...(after ? { after } : {}) });
  source.blocks.forEach((block, position) => {
    const needed = options.quorum ?? source.blockQuorums[position] ?? quorum;
    const hash = blockHash(block.header);
    const valid = new Set(
      block.endorsements.filter((e) => {
        const key = operatorKeys.get(e.operatorId);
        return key !== undefined && verifyEndorsement(hash, e, key);
      }).map((e) => e.operatorId),
    );
    if (valid.size < needed) all.push({ height: block.header.height, position, code: 'BELOW_QUORUM', detail: `${valid.size} valid endorsements, ${needed} needed` });
  });
  all.sort((x, y) => x.position - y.position);

  // Blocks sealed moments ago may still be collecting endorsements: a run of blocks at the very
  // end whose only problem is the quorum is pending, not broken. Anywhere else it is a failure.
  const problemsAt = new Map<number, ChainProblem[]>();
  for (const problem of all) problemsAt.set(problem.position, [...(problemsAt.get(problem.position) ?? []), problem]);
  let pendingTail = 0;
  for (let position = source.blocks.length - 1; position >= 0; position--) {
    const problems = problemsAt.get(position) ?? [];
    if (problems.length === 1 && problems[0]!.code === 'BELOW_QUORUM') pendingTail++;
    else break;
  }
  const firstPending = source.blocks.length - pendingTail;
  const problems = all.filter((problem) => problem.position < firstPending);
  return {
    ok: problems.length === 0,
    source: source.kind,
    blocks: source.blocks.length,
    firstHeight: first === undefined ? null : first.height.toString(),
    entriesRecomputed: source.blocks.reduce((sum, block) => sum + (block.entries?.length ?? 0), 0),
    quorum,
    operators: [...operatorKeys.keys()].sort(),
    pendingTail,
    unsealedEntries: source.unsealedEntries,
    problems,
  };
}

/** `--operator-key bank-a=<hex>` (repeatable, or comma-separated) into a key map. */
export function operatorKeysOption(options: OptionValues): Map<string, Uint8Array> | undefined {
  const raw = options['operator-key'] as unknown;
  const values = (Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : []).flatMap((value: string) => value.split(','));
  if (values.length === 0) return undefined;
  const keys = new Map<string, Uint8Array>();
  for (const value of values) {
    const match = /^([a-z0-9][a-z0-9-]{0,62})=([0-9a-f]{64})$/.exec(value);
    if (!match) throw new UsageError(`--operator-key takes id=<64 hex digits>, got ${JSON.stringify(value)}`);
    keys.set(match[1]!, fromHex(match[2]!));
  }
  return keys;
}

export function centralBankKeyOption(options: OptionValues): Uint8Array | undefined {
  const value = optionalOption(options, 'central-bank-key');
  if (value === undefined) return undefined;
  if (!/^[0-9a-f]{64}$/.test(value)) throw new UsageError('--central-bank-key takes 64 lower-case hex digits');
  return fromHex(value);
}

export function describeProblem(problem: ChainProblem): string {
  return `block ${problem.height} (position ${problem.position}): ${problem.code}: ${problem.detail}`;
}

export const auditVerifyCommand: CliCommand = {
  words: ['audit', 'verify'],
  summary: "verify an anchor chain: links, signatures, endorsement quorum, Merkle roots (exit 0 only if all hold)",
  usage: '--database-url <postgres url> | --file <export.json> [--central-bank-key <hex>] [--operator-key <id>=<hex> ...] [--quorum <n>]',
  options: {
    'database-url': { type: 'string' },
    file: { type: 'string' },
    'central-bank-key': { type: 'string' },
    'operator-key': { type: 'string', multiple: true },
    quorum: { type: 'string' },
  },
  positionals: { min: 0, max: 0 },
  async run({ options, io }) {
    const databaseUrl = optionalOption(options, 'database-url');
    const file = optionalOption(options, 'file');
    if ((databaseUrl === undefined) === (file === undefined)) throw new UsageError('give exactly one of --database-url and --file');
    const quorumGiven = optionalOption(options, 'quorum') !== undefined;
    const report = await auditVerify({
      databaseUrl,
      file: file === undefined ? undefined : resolve(io.cwd, file),
      centralBankKey: centralBankKeyOption(options),
      operatorKeys: operatorKeysOption(options),
      quorum: quorumGiven ? integerOption(options, 'quorum', 1, 1, 256) : undefined,
    });
    const summary = `${report.blocks} blocks from ${report.source}, ${report.entriesRecomputed} entries recomputed, each block's quorum of ${report.operators.length} operators (${report.operators.join(', ')})`;
    if (!report.ok) {
      throw new CliFailure('AUDIT_FAILED', [`the chain does NOT verify: ${report.problems.length} problems in ${summary}`, ...report.problems.map(describeProblem)].join('\n'));
    }
    return {
      json: { ...report, problems: [] },
      lines: [
        `verified    ${summary}`,
        ...(report.firstHeight !== null && report.firstHeight !== '0' ? [`starts at   height ${report.firstHeight} (this operator joined after genesis)`] : []),
        ...(report.pendingTail > 0 ? [`pending     the last ${report.pendingTail} blocks are still collecting endorsements`] : []),
        ...(report.unsealedEntries > 0 ? [`unsealed    ${report.unsealedEntries} committed entries are not sealed yet`] : []),
      ],
    };
  },
};
