import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AnchorExport } from '@cbdc/anchor';
import { ApiGuarded } from '../http/api-docs';
import { notFound, validationFailed } from '../http/api-error';
import { AnchorQueryService, blocksPageMax, type BlockView, type EntryProofView } from './anchor-query.service';
import type { RefusalRow } from './anchor-store';

const decimalPattern = /^(0|[1-9][0-9]{0,18})$/;
const commandIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

function decimalParameter(name: string, value: string | undefined, fallback: bigint): bigint {
  if (value === undefined || value === '') return fallback;
  if (!decimalPattern.test(value)) throw validationFailed(name, `${name} must be a non-negative whole number`);
  return BigInt(value);
}

function limitParameter(value: string | undefined): number {
  const limit = decimalParameter('limit', value, BigInt(blocksPageMax));
  if (limit < 1n || limit > BigInt(blocksPageMax)) throw validationFailed('limit', `limit must be in 1..${blocksPageMax}`);
  return Number(limit);
}

/** The permissioned log (ARCHITECTURE.md §8): blocks, inclusion proofs, refusals, the auditor's export. Staff and auditors read. */
@ApiTags('anchor')
@Controller('v1')
export class AnchorController {
  constructor(@Inject(AnchorQueryService) private readonly anchor: AnchorQueryService) {}

  @Get('blocks')
  @ApiOperation({ summary: 'Sealed blocks from a height, with their endorsements' })
  @ApiGuarded(400)
  async blocks(@Query('from') from?: string, @Query('limit') limit?: string): Promise<{ blocks: BlockView[] }> {
    return { blocks: await this.anchor.blocks(decimalParameter('from', from, 0n), limitParameter(limit)) };
  }

  @Get('blocks/:height')
  @ApiOperation({ summary: 'One block with its endorsements' })
  @ApiGuarded(400, 404)
  async block(@Param('height') height: string): Promise<BlockView> {
    const block = await this.anchor.block(decimalParameter('height', height, 0n));
    if (block === undefined) throw notFound(`block ${height}`);
    return block;
  }

  @Get('proofs/entries/:sequence')
  @ApiOperation({ summary: "An entry's inclusion proof and its signed, endorsed block header" })
  @ApiGuarded(400, 404)
  async entryProof(@Param('sequence') sequence: string): Promise<EntryProofView> {
    const proof = await this.anchor.entryProof(decimalParameter('sequence', sequence, 0n));
    if (proof === undefined) throw notFound(`a sealed entry with sequence ${sequence}`);
    return proof;
  }

  @Get('proofs/payments/:paymentId')
  @ApiOperation({ summary: "A payment's inclusion proof and its signed, endorsed block header" })
  @ApiGuarded(400, 404)
  async paymentProof(@Param('paymentId') paymentId: string): Promise<EntryProofView> {
    if (!commandIdPattern.test(paymentId)) throw validationFailed('paymentId', 'a payment id is 1..128 characters [A-Za-z0-9._:-]');
    const proof = await this.anchor.paymentProof(paymentId);
    if (proof === undefined) throw notFound(`a sealed payment ${paymentId}`);
    return proof;
  }

  @Get('anchor/refusals')
  @ApiOperation({ summary: 'Blocks operators refused, newest first, with their reasons' })
  @ApiGuarded(400)
  async refusals(@Query('limit') limit?: string): Promise<{ refusals: RefusalRow[] }> {
    return { refusals: await this.anchor.refusals(limitParameter(limit)) };
  }

  @Get('anchor/export')
  @ApiOperation({ summary: "The auditor's export: every block with endorsements and entries (for cbdc audit verify --file)" })
  @ApiGuarded()
  async export(): Promise<AnchorExport> {
    return this.anchor.export();
  }
}
