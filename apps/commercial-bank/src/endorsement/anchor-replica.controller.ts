import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { WireBlock, WireEntryProof } from '@cbdc/anchor';
import { ApiError } from '../http/api-error';
import { EndorsementService, replicaPageMax } from './endorsement.service';

const decimalPattern = /^(0|[1-9][0-9]{0,18})$/;
const paymentIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * This bank's replica of the permissioned log. Open: headers and endorsements are what every
 * participant holds, and a payment's proof is asked for by its id, which only the payer and payee
 * know (a wallet holder verifies it with `cbdc proof <payment-id> --bank <url>`).
 */
@ApiTags('anchor')
@Controller('v1')
export class AnchorReplicaController {
  constructor(@Inject(EndorsementService) private readonly endorsement: EndorsementService) {}

  @Get('blocks')
  @ApiOperation({ summary: "This bank's replica of the chain: headers, signatures, endorsements" })
  async blocks(@Query('from') from?: string, @Query('limit') limit?: string): Promise<{ blocks: (WireBlock & { final: boolean })[] }> {
    const start = from === undefined || from === '' ? 0n : parseDecimal('from', from);
    const count = limit === undefined || limit === '' ? replicaPageMax : Number(parseDecimal('limit', limit));
    if (count < 1 || count > replicaPageMax) throw new ApiError(400, 'VALIDATION_FAILED', `limit must be in 1..${replicaPageMax}`);
    return { blocks: await this.endorsement.blocks(start, count) };
  }

  @Get('proofs/payments/:paymentId')
  @ApiOperation({ summary: "A payment's inclusion proof against the signed, endorsed block header" })
  async paymentProof(@Param('paymentId') paymentId: string): Promise<WireEntryProof & { final: boolean; endorserKeys: { operatorId: string; publicKey: string }[] }> {
    if (!paymentIdPattern.test(paymentId)) throw new ApiError(400, 'VALIDATION_FAILED', 'a payment id is 1..128 characters [A-Za-z0-9._:-]');
    const proof = await this.endorsement.paymentProof(paymentId);
    if (proof === undefined) throw new ApiError(404, 'NOT_FOUND', `payment ${paymentId} is not in a block this bank holds (yet)`);
    return proof;
  }
}

function parseDecimal(name: string, value: string): bigint {
  if (!decimalPattern.test(value)) throw new ApiError(400, 'VALIDATION_FAILED', `${name} must be a non-negative whole number`);
  return BigInt(value);
}
