/**
 * The shapes of the payments API for the OpenAPI document at /docs. Requests are parsed by the
 * schemas in libs/contracts (bank/payments-api.v1.ts); these classes only describe them.
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class PaymentRequestDto {
  @ApiProperty({ description: 'Chosen by the payer (the ledger command id); a payment of a request uses the id derived from its URI', example: 'pay-2b1c6f0e' })
  paymentId!: string;
  @ApiProperty({ description: 'A wallet of this bank, open' }) payerWalletId!: string;
  @ApiProperty({ description: 'Any wallet at any operator' }) payeeWalletId!: string;
  @ApiProperty({ example: '1250', description: 'fen, decimal string' }) amount!: string;
  @ApiProperty({ example: '7', description: "Above the payer wallet's last counter (gaps allowed)" }) counter!: string;
  @ApiProperty({ description: 'Ed25519 by the payer wallet over encodePaymentForSigning, 128 hex' }) signature!: string;
  @ApiPropertyOptional({ description: "The merchant's cbdc:pay?... URI this payment settles" }) paymentRequest?: string;
}

export class PaymentDto {
  @ApiProperty() paymentId!: string;
  @ApiProperty({ enum: ['pending', 'settled', 'rejected'] }) status!: string;
  @ApiProperty() payerWalletId!: string;
  @ApiProperty() payeeWalletId!: string;
  @ApiProperty() amount!: string;
  @ApiProperty() counter!: string;
  @ApiPropertyOptional({ description: "The central ledger's entry sequence" }) sequence?: string;
  @ApiPropertyOptional() settledAt?: string;
  @ApiPropertyOptional({ description: "The ledger's rejection code, e.g. INSUFFICIENT_FUNDS, CLASS_LIMIT_DAILY" }) code?: string;
  @ApiPropertyOptional() message?: string;
}

export class WalletBalanceDto {
  @ApiProperty() walletId!: string;
  @ApiProperty() walletClass!: number;
  @ApiProperty() status!: string;
  @ApiProperty({ description: "The bank's mirror of the central ledger balance, fen" }) balance!: string;
}

export class WalletHistoryEntryDto {
  @ApiProperty({ enum: ['load', 'unload', 'payment-in', 'payment-out'] }) kind!: string;
  @ApiProperty() reference!: string;
  @ApiProperty() amount!: string;
  @ApiProperty({ type: String, nullable: true }) sequence!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The other wallet of a payment' }) counterparty!: string | null;
  @ApiProperty() at!: string;
}

export class WalletHistoryDto {
  @ApiProperty() walletId!: string;
  @ApiProperty() balance!: string;
  @ApiProperty({ type: [WalletHistoryEntryDto] }) entries!: WalletHistoryEntryDto[];
}
