/**
 * The OpenAPI description of the central bank's HTTP API: classes that only carry @ApiProperty
 * metadata for /docs. The shapes are those of libs/contracts (central-bank-api.v1.ts), which also
 * holds the parsers that validate the requests; each class here `implements` its contract type
 * (with amounts as decimal strings of fen) so the two cannot drift apart silently.
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type {
  AccountEntriesPageV1,
  AccountEntryV1,
  AccountViewV1,
  ApiErrorV1,
  CentralBankInfoV1,
  ClassLimitsViewV1,
  InvariantReportV1,
  IssueRecallRequestViewV1,
  OperatorBooksV1,
  OperatorViewV1,
  PolicyViewV1,
  ReserveCreditViewV1,
  SupplyOperatorV1,
  SupplyReportV1,
} from '@cbdc/contracts';

const fen = { type: String, pattern: '^(0|[1-9][0-9]{0,18})$', example: '100000', description: 'fen, as a decimal string' } as const;
const positiveFen = { ...fen, pattern: '^[1-9][0-9]{0,18}$' } as const;

export class ApiErrorDto implements ApiErrorV1 {
  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'a stable code: VALIDATION_FAILED, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, OPERATOR_EXISTS, INSUFFICIENT_RESERVES, LEDGER_TIMEOUT, ...' })
  code!: string;
  @ApiProperty({ example: 'MALFORMED at amount: expected a decimal string of minor units' })
  message!: string;
  @ApiPropertyOptional({ example: 'amount', description: 'the offending field of a VALIDATION_FAILED' })
  field?: string;
}

export class CentralBankInfoDto implements CentralBankInfoV1 {
  @ApiProperty({ example: 'ab'.repeat(32), description: "the central bank's Ed25519 public key, hex; it signs every command the central bank puts on the ledger" })
  publicKey!: string;
  @ApiProperty({ format: 'date-time' })
  keyCreatedAt!: string;
  @ApiProperty({ example: 'ledger.commands.v1' })
  ledgerCommandsTopic!: string;
  @ApiProperty({ example: 'central-bank.control.v1' })
  controlTopic!: string;
  @ApiProperty({ example: 1 })
  ledgerPartitions!: number;
}

export class RegisterOperatorDto {
  @ApiProperty({ example: 'bank-a', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' })
  operatorId!: string;
  @ApiProperty({ example: 'Bank A', maxLength: 200 })
  name!: string;
  @ApiProperty({ enum: ['bank', 'payment-firm'] })
  kind!: 'bank' | 'payment-firm';
  @ApiProperty({ example: '22'.repeat(32), pattern: '^[0-9a-fA-F]{64}$', description: "the operator's Ed25519 public key, hex (32 bytes)" })
  publicKey!: string;
  @ApiPropertyOptional({ minimum: 10_000, maximum: 100_000, default: 10_000, description: 'reserve ratio in basis points; 10000 = 100%' })
  reserveRatioBps?: number;
  @ApiProperty({ ...fen, description: 'issue requests of at most this many fen settle without staff approval' })
  issueQuotaAuto!: string;
}

export class OperatorBooksDto implements OperatorBooksV1 {
  @ApiProperty(fen) reserveCredited!: string;
  @ApiProperty(fen) issued!: string;
  @ApiProperty(fen) recalled!: string;
  @ApiProperty({ ...fen, pattern: '^-?(0|[1-9][0-9]{0,18})$', description: "net DC its wallets received from other operators' wallets" })
  crossOperatorNet!: string;
}

export class OperatorDto implements OperatorViewV1 {
  @ApiProperty({ example: 'bank-a' }) operatorId!: string;
  @ApiProperty({ example: 'Bank A' }) name!: string;
  @ApiProperty({ enum: ['bank', 'payment-firm'] }) kind!: 'bank' | 'payment-firm';
  @ApiProperty({ example: '22'.repeat(32) }) publicKey!: string;
  @ApiProperty({ example: 10_000 }) reserveRatioBps!: number;
  @ApiProperty(fen) issueQuotaAuto!: string;
  @ApiProperty({ format: 'date-time' }) registeredAt!: string;
  @ApiProperty({ ...fen, description: 'its reserve account at the central bank' }) reserve!: string;
  @ApiProperty({ ...fen, description: 'its stock of DC not yet handed to customers' }) vault!: string;
  @ApiProperty({ ...fen, description: "DC in its customers' wallets" }) walletsHeld!: string;
  @ApiProperty() walletCount!: number;
  @ApiProperty({ type: OperatorBooksDto }) books!: OperatorBooksDto;
}

export class OperatorListDto {
  @ApiProperty({ type: [OperatorDto] }) operators!: OperatorDto[];
}

export class ReserveCreditRequestDto {
  @ApiProperty({ example: 'rtgs-2026-11-29-0001', description: 'chosen by the caller; a repeat gets the first answer, not a second credit' })
  creditId!: string;
  @ApiProperty(positiveFen) amount!: string;
  @ApiProperty({ example: 'RTGS 2026-11-29 #1', maxLength: 200 }) reference!: string;
}

export class ReserveCreditDto implements ReserveCreditViewV1 {
  @ApiProperty() creditId!: string;
  @ApiProperty() operatorId!: string;
  @ApiProperty({ example: 'cb:credit-reserve:rtgs-2026-11-29-0001' }) commandId!: string;
  @ApiProperty({ enum: ['accepted'] }) status!: 'accepted';
  @ApiProperty(positiveFen) amount!: string;
  @ApiProperty() reference!: string;
  @ApiProperty({ example: '42', description: 'the ledger entry' }) sequence!: string;
}

export class IssueRecallRequestDto implements IssueRecallRequestViewV1 {
  @ApiProperty({ example: 'bank-a-req-0001' }) requestId!: string;
  @ApiProperty() operatorId!: string;
  @ApiProperty({ enum: ['issue', 'recall'] }) direction!: 'issue' | 'recall';
  @ApiProperty(positiveFen) amount!: string;
  @ApiProperty({ enum: ['pending-approval', 'submitted', 'settled', 'rejected'] }) status!: IssueRecallRequestViewV1['status'];
  @ApiProperty({ example: 'cb:issue:bank-a-req-0001' }) commandId!: string;
  @ApiProperty({ type: String, nullable: true, example: 'INSUFFICIENT_RESERVES' }) code!: string | null;
  @ApiProperty({ type: String, nullable: true }) detail!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the ledger entry of a settled request' }) sequence!: string | null;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) submittedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decidedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the API key id of the staff member who approved or rejected it' })
  reviewedBy!: string | null;
}

export class IssueRecallRequestListDto {
  @ApiProperty({ type: [IssueRecallRequestDto] }) requests!: IssueRecallRequestDto[];
}

export class RejectRequestDto {
  @ApiProperty({ example: 'exceeds this week\'s issuance plan', maxLength: 500 }) reason!: string;
}

export class ClassLimitsDto implements ClassLimitsViewV1 {
  @ApiProperty(positiveFen) balanceCap!: string;
  @ApiProperty(positiveFen) singlePayment!: string;
  @ApiProperty(positiveFen) daily!: string;
  @ApiProperty(positiveFen) annual!: string;
}

export class ClassLimitTableDto {
  @ApiProperty({ type: ClassLimitsDto }) 1!: ClassLimitsDto;
  @ApiProperty({ type: ClassLimitsDto }) 2!: ClassLimitsDto;
  @ApiProperty({ type: ClassLimitsDto }) 3!: ClassLimitsDto;
  @ApiProperty({ type: ClassLimitsDto }) 4!: ClassLimitsDto;
}

export class PartialClassLimitTableDto {
  @ApiPropertyOptional({ type: ClassLimitsDto }) 1?: ClassLimitsDto;
  @ApiPropertyOptional({ type: ClassLimitsDto }) 2?: ClassLimitsDto;
  @ApiPropertyOptional({ type: ClassLimitsDto }) 3?: ClassLimitsDto;
  @ApiPropertyOptional({ type: ClassLimitsDto }) 4?: ClassLimitsDto;
}

export class PolicyUpdateDto {
  @ApiPropertyOptional({ enum: ['ccb-2020', 'pboc-2021'], default: 'ccb-2020' }) preset?: 'ccb-2020' | 'pboc-2021';
  @ApiPropertyOptional({ type: PartialClassLimitTableDto, description: "replaces the preset's limits of the classes given" })
  classLimits?: PartialClassLimitTableDto;
  @ApiPropertyOptional({ ...positiveFen, default: '5000000', description: 'payments of at least this many fen are reported to the regulator' })
  largeValueThreshold?: string;
  @ApiPropertyOptional({ minimum: -720, maximum: 840, default: 480, description: 'UTC offset of the calendar daily and annual limits count in' })
  calendarUtcOffsetMinutes?: number;
}

export class PolicyDto implements PolicyViewV1 {
  @ApiProperty({ example: '3' }) version!: string;
  @ApiProperty({ example: 'ccb-2020', description: 'the preset, or custom' }) name!: string;
  @ApiProperty({ enum: ['ccb-2020', 'pboc-2021'] }) preset!: 'ccb-2020' | 'pboc-2021';
  @ApiProperty({ type: ClassLimitTableDto }) classLimits!: PolicyViewV1['classLimits'];
  @ApiProperty({ type: [Number], example: [] }) customClasses!: number[];
  @ApiProperty(positiveFen) largeValueThreshold!: string;
  @ApiProperty({ example: 480 }) calendarUtcOffsetMinutes!: number;
  @ApiProperty({ type: [String] }) notes!: string[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, nullable: true }) createdBy!: string | null;
}

export class SupplyOperatorDto implements SupplyOperatorV1 {
  @ApiProperty() operatorId!: string;
  @ApiProperty(fen) reserve!: string;
  @ApiProperty(fen) vault!: string;
  @ApiProperty(fen) walletsHeld!: string;
  @ApiProperty(fen) reserveCredited!: string;
  @ApiProperty(fen) issued!: string;
  @ApiProperty(fen) recalled!: string;
  @ApiProperty({ ...fen, pattern: '^-?(0|[1-9][0-9]{0,18})$' }) crossOperatorNet!: string;
}

export class InvariantReportDto implements InvariantReportV1 {
  @ApiProperty({ enum: ['1', '2', '3', '5'], description: 'the invariant of ARCHITECTURE.md §5' }) invariant!: '1' | '2' | '3' | '5';
  @ApiProperty() title!: string;
  @ApiProperty({ enum: ['ok', 'failed', 'pending'] }) status!: 'ok' | 'failed' | 'pending';
  @ApiProperty({ type: [String], description: 'one sentence per failure' }) failures!: string[];
  @ApiPropertyOptional() note?: string;
}

export class SupplyReportDto implements SupplyReportV1 {
  @ApiProperty({ format: 'date-time' }) asOf!: string;
  @ApiProperty({ ...fen, description: 'DC outstanding = issued - recalled' }) outstanding!: string;
  @ApiProperty(fen) issued!: string;
  @ApiProperty(fen) recalled!: string;
  @ApiProperty(fen) reserveCredited!: string;
  @ApiProperty(fen) heldInVaults!: string;
  @ApiProperty(fen) heldInWallets!: string;
  @ApiProperty({ type: [SupplyOperatorDto] }) operators!: SupplyOperatorDto[];
  @ApiProperty({ type: [InvariantReportDto] }) invariants!: InvariantReportDto[];
  @ApiProperty({ description: 'true when no invariant failed' }) ok!: boolean;
}

export class AccountDto implements AccountViewV1 {
  @ApiProperty({ example: 'reserve:bank-a' }) accountId!: string;
  @ApiProperty({ enum: ['reserve', 'vault', 'wallet', 'rtgs'] }) kind!: string;
  @ApiProperty({ type: String, nullable: true }) operatorId!: string | null;
  @ApiProperty({ ...fen, pattern: '^-?(0|[1-9][0-9]{0,18})$', description: 'fen; only the rtgs contra account is ever negative' }) balance!: string;
}

export class AccountEntryDto implements AccountEntryV1 {
  @ApiProperty({ example: '42' }) sequence!: string;
  @ApiProperty() commandId!: string;
  @ApiProperty({ example: 'ledger.issue' }) commandType!: string;
  @ApiProperty({ enum: ['debit', 'credit'] }) direction!: 'debit' | 'credit';
  @ApiProperty({ example: 'vault:bank-a' }) counterpartyAccount!: string;
  @ApiProperty(positiveFen) amount!: string;
  @ApiProperty() batchId!: string;
  @ApiProperty({ format: 'date-time' }) committedAt!: string;
}

export class AccountEntriesPageDto implements AccountEntriesPageV1 {
  @ApiProperty() accountId!: string;
  @ApiProperty({ type: [AccountEntryDto] }) entries!: AccountEntryDto[];
  @ApiProperty({ type: String, nullable: true, description: 'pass as `after` for the next page; null after the last page' }) nextAfter!: string | null;
}
