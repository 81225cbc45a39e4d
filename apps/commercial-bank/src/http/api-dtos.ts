/**
 * The shapes of the bank's HTTP API for the OpenAPI document at /docs. Requests are parsed by the
 * schemas in libs/contracts (bank/commercial-bank-api.v1.ts), not by these classes: they only
 * describe. Amounts are decimal strings of fen.
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ApiErrorDto {
  @ApiProperty({ example: 'VALIDATION_FAILED' }) code!: string;
  @ApiProperty() message!: string;
}

export class OperatorInfoDto {
  @ApiProperty({ example: 'bank-a' }) operatorId!: string;
  @ApiProperty({ description: "The operator's Ed25519 public key, hex; register it at the central bank" }) publicKey!: string;
}

export class OpenCustomerDto {
  @ApiPropertyOptional({ description: 'Chosen by the bank; generated when absent', example: 'c-0001' }) customerId?: string;
  @ApiProperty({ example: 'Zhang San' }) name!: string;
  @ApiPropertyOptional({ description: 'Needed for a class 3 wallet', example: '110101199003070000' }) idNumber?: string;
  @ApiProperty({ example: '+86 138 0000 0000' }) phone!: string;
}

export class CustomerWalletDto {
  @ApiProperty() walletId!: string;
  @ApiProperty() walletClass!: number;
  @ApiProperty({ enum: ['pending', 'open', 'rejected'] }) status!: string;
  @ApiProperty({ example: '10000' }) balance!: string;
}

export class CustomerDto {
  @ApiProperty() customerId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) idNumber!: string | null;
  @ApiProperty() phone!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ example: '500000' }) depositBalance!: string;
  @ApiProperty({ type: [CustomerWalletDto] }) wallets!: CustomerWalletDto[];
}

export class DepositRequestDto {
  @ApiProperty({ description: 'Idempotency key: a repeat has one effect', example: 'salary-2026-11' }) depositId!: string;
  @ApiProperty({ example: '500000' }) amount!: string;
}

export class DepositDto {
  @ApiProperty() depositId!: string;
  @ApiProperty() customerId!: string;
  @ApiProperty() amount!: string;
  @ApiProperty() depositBalance!: string;
}

export class OpenWalletDto {
  @ApiProperty() customerId!: string;
  @ApiProperty({ description: "The holder's Ed25519 public key (hex), made by the wallet SDK" }) publicKey!: string;
  @ApiProperty({ enum: [3, 4], description: '4: phone only; 3: with an ID number' }) walletClass!: number;
  @ApiProperty({ description: 'Idempotency key' }) requestId!: string;
}

export class WalletHistoryDto {
  @ApiProperty({ enum: ['load', 'unload', 'payment-in', 'payment-out'] }) kind!: string;
  @ApiProperty() reference!: string;
  @ApiProperty() amount!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The central ledger sequence' }) sequence!: string | null;
  @ApiProperty() at!: string;
}

export class WalletDto {
  @ApiProperty() walletId!: string;
  @ApiProperty() customerId!: string;
  @ApiProperty() walletClass!: number;
  @ApiProperty({ enum: ['pending', 'open', 'rejected'] }) status!: string;
  @ApiProperty({ type: String, nullable: true }) rejectionCode!: string | null;
  @ApiProperty({ description: "The bank's mirror of the central ledger balance" }) balance!: string;
  @ApiProperty({ type: [WalletHistoryDto] }) history!: WalletHistoryDto[];
}

export class LoadRequestDto {
  @ApiProperty({ description: 'Idempotency key' }) loadId!: string;
  @ApiProperty({ example: '10000' }) amount!: string;
}

export class UnloadRequestDto {
  @ApiProperty({ description: 'Idempotency key' }) unloadId!: string;
  @ApiProperty({ example: '5000' }) amount!: string;
  @ApiProperty({ example: '1', description: "The wallet's next counter, as signed" }) counter!: string;
  @ApiProperty({ description: "The holder's signature over encodeUnloadForSigning (hex)" }) walletSignature!: string;
}

export class LedgerRequestDto {
  @ApiProperty() requestId!: string;
  @ApiProperty() walletId!: string;
  @ApiProperty() amount!: string;
  @ApiProperty({ enum: ['pending', 'accepted', 'rejected'] }) status!: string;
  @ApiProperty({ type: String, nullable: true }) code!: string | null;
}
