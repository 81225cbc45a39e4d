// `cbdc amount parse|format`: exact conversion between yuan as people write it and fen as the ledger keeps it.
import { formatYuan, parseFen, parseYuan } from '@cbdc/wallet-sdk';
import type { CliCommand } from '../cli-command';

export const amountParseCommand: CliCommand = {
  words: ['amount', 'parse'],
  summary: 'yuan text to fen: 12.34 -> 1234',
  usage: '<yuan>',
  options: {},
  positionals: { min: 1, max: 1 },
  async run({ positionals }) {
    const fen = parseYuan(positionals[0]!);
    return { json: { fen: fen.toString(), yuan: formatYuan(fen) }, lines: [fen.toString()] };
  },
};

export const amountFormatCommand: CliCommand = {
  words: ['amount', 'format'],
  summary: 'fen to yuan text: 1234 -> 12.34',
  usage: '<fen>',
  options: {},
  positionals: { min: 1, max: 1 },
  async run({ positionals }) {
    const fen = parseFen(positionals[0]!);
    return { json: { fen: fen.toString(), yuan: formatYuan(fen) }, lines: [formatYuan(fen)] };
  },
};
