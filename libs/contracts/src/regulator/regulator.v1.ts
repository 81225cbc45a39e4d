/**
 * The regulator's messages, version 1 (ARCHITECTURE.md §7):
 * - the key ceremony's files: the public material every app reads (the escrow key the banks seal
 *   identities to, the regulator's signing key the central ledger checks audit records with, the
 *   officials' public keys and each official's key share sealed to that official), the regulator
 *   service's own signing key, and one private file per official;
 * - the identity a bank escrows at wallet opening (sealed, so only k officials together open it);
 * - the reports the central bank sends on `regulator.reports.v1`;
 * - the bodies of the regulator's HTTP API and how an official signs a request to it.
 *
 * The regulator's escrow private key exists nowhere whole: only as k-of-n shares, each sealed to
 * one official's X25519 key.
 */
import { sha256 } from '@noble/hashes/sha2';
import { encodeOperatorCommandForSigning, signFast, toHex, verifyFast } from '@cbdc/crypto';
import { defineMessage, MessageOf } from '../message';
import { amount, array, decimal, hex, id, integer, object, oneOf, optional, text, type Parsed } from '../schema';

/** Officials of one ceremony, at most (Shamir over GF(256) allows 255). */
export const officialsCountMax = 64;
export const officialIdPattern = /^official-[0-9]{1,3}$/;
/** Payments one report carries, at most (a structuring report lists the payments that triggered it). */
export const reportPaymentsMax = 64;
/** Escrows one report carries, at most: the payer's and each payee's. */
export const reportEscrowsMax = reportPaymentsMax + 1;
/** Topic of the reports, central bank -> regulator. */
export const regulatorReportsTopic = 'regulator.reports.v1';

const publicKey = hex(32);
const privateKey = hex(32);
const escrowHex = hex(undefined, 2048);

export const regulatorOfficialPublicV1 = object({
  officialId: id(16),
  /** Ed25519: verifies the official's signed HTTP requests. */
  signingPublicKey: publicKey,
  /** X25519: the official's share of the escrow key is sealed to it. */
  encryptionPublicKey: publicKey,
  /** The official's share of the escrow private key, sealed to `encryptionPublicKey`. */
  sealedShare: hex(undefined, 1024),
  /** SHA-256 of the (unsealed) share: the regulator checks a submitted share against it. */
  shareDigest: hex(32),
});
export type RegulatorOfficialPublicV1 = Parsed<typeof regulatorOfficialPublicV1>;

export const regulatorPublicMaterialV1 = defineMessage(
  'regulator.public-material',
  1,
  {
    ceremonyId: id(64),
    createdAt: text(40),
    threshold: integer(2, 255),
    /** X25519: banks seal holders' identities to it. Its private key exists only as shares. */
    escrowPublicKey: publicKey,
    /** Ed25519: the regulator service signs the audit records it anchors in the ledger. */
    signingPublicKey: publicKey,
    officials: array(regulatorOfficialPublicV1, officialsCountMax),
  },
  [
    {
      type: 'regulator.public-material',
      version: 1,
      ceremonyId: 'ceremony-0001',
      createdAt: '2026-11-29T12:00:00.000Z',
      threshold: 2,
      escrowPublicKey: '31'.repeat(32),
      signingPublicKey: '32'.repeat(32),
      officials: [
        { officialId: 'official-1', signingPublicKey: '41'.repeat(32), encryptionPublicKey: '51'.repeat(32), sealedShare: '61'.repeat(110), shareDigest: '71'.repeat(32) },
        { officialId: 'official-2', signingPublicKey: '42'.repeat(32), encryptionPublicKey: '52'.repeat(32), sealedShare: '62'.repeat(110), shareDigest: '72'.repeat(32) },
      ],
    },
  ],
);
export type RegulatorPublicMaterialV1 = MessageOf<typeof regulatorPublicMaterialV1>;

/** The regulator service's own signing key (file mode 0600): it signs audit-record commands. */
export const regulatorServiceKeyV1 = defineMessage(
  'regulator.service-key',
  1,
  { ceremonyId: id(64), signingPrivateKey: privateKey, signingPublicKey: publicKey },
  [{ type: 'regulator.service-key', version: 1, ceremonyId: 'ceremony-0001', signingPrivateKey: '71'.repeat(32), signingPublicKey: '32'.repeat(32) }],
);
export type RegulatorServiceKeyV1 = MessageOf<typeof regulatorServiceKeyV1>;

/** One official's private file (mode 0600): the keys it signs requests and opens its share with. */
export const regulatorOfficialKeyV1 = defineMessage(
  'regulator.official-key',
  1,
  {
    ceremonyId: id(64),
    officialId: id(16),
    signingPrivateKey: privateKey,
    signingPublicKey: publicKey,
    encryptionPrivateKey: privateKey,
    encryptionPublicKey: publicKey,
  },
  [
    {
      type: 'regulator.official-key',
      version: 1,
      ceremonyId: 'ceremony-0001',
      officialId: 'official-1',
      signingPrivateKey: '81'.repeat(32),
      signingPublicKey: '41'.repeat(32),
      encryptionPrivateKey: '91'.repeat(32),
      encryptionPublicKey: '51'.repeat(32),
    },
  ],
);
export type RegulatorOfficialKeyV1 = MessageOf<typeof regulatorOfficialKeyV1>;

/**
 * What a bank seals to the regulator's escrow key when it opens a wallet. The wallet id is also
 * the sealed box's associated data, so an escrow moved to another wallet does not open.
 */
export const escrowedIdentityV1 = defineMessage(
  'regulator.escrowed-identity',
  1,
  {
    operatorId: id(64),
    walletId: id(),
    walletClass: integer(1, 4),
    customerId: id(),
    name: text(200),
    idNumber: optional(text(64)),
    phone: text(40),
  },
  [
    {
      type: 'regulator.escrowed-identity',
      version: 1,
      operatorId: 'bank-a',
      walletId: 'w3f9a0c1d2e4b5a6978f0e1d2c3b4a5968778695a',
      walletClass: 3,
      customerId: 'cust-0001',
      name: 'Zhang Wei',
      idNumber: '110101199003074514',
      phone: '+86 138 0000 0000',
    },
  ],
);
export type EscrowedIdentityV1 = MessageOf<typeof escrowedIdentityV1>;

const reportPayment = object({
  paymentId: id(),
  payerWalletId: id(),
  payeeWalletId: id(),
  amount: amount(),
  sequence: decimal({ min: 1n }),
  committedAt: text(40),
});
export type ReportPaymentV1 = Parsed<typeof reportPayment>;

const walletEscrow = object({ walletId: id(), escrow: optional(escrowHex) });
export type WalletEscrowV1 = Parsed<typeof walletEscrow>;

/**
 * A report to the regulator: a payment at or above the large-value threshold, or a run of
 * payments just under it from one wallet (structuring). It carries the wallets' escrows, never
 * an identity. `reportId` is deterministic, so a redelivered report is stored once.
 */
export const regulatorReportV1 = defineMessage(
  'regulator.report',
  1,
  {
    reportId: id(),
    reportKind: oneOf(['large-value', 'structuring'] as const),
    /** The large-value threshold in force, fen. */
    threshold: amount(),
    /** A sentence saying which rule fired. */
    reason: text(300),
    payments: array(reportPayment, reportPaymentsMax),
    escrows: array(walletEscrow, reportEscrowsMax),
  },
  [
    {
      type: 'regulator.report',
      version: 1,
      reportId: 'large-value:pay-0001',
      reportKind: 'large-value',
      threshold: '5000000',
      reason: 'payment of at least the large-value threshold',
      payments: [
        {
          paymentId: 'pay-0001',
          payerWalletId: 'w3f9a0c1d2e4b5a6978f0e1d2c3b4a5968778695a',
          payeeWalletId: 'w1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d',
          amount: '6000000',
          sequence: '42',
          committedAt: '2026-11-29T12:00:00.000Z',
        },
      ],
      escrows: [{ walletId: 'w3f9a0c1d2e4b5a6978f0e1d2c3b4a5968778695a', escrow: '01'.repeat(120) }, { walletId: 'w1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d' }],
    },
  ],
);
export type RegulatorReportV1 = MessageOf<typeof regulatorReportV1>;

export const regulatorMessages = [regulatorPublicMaterialV1, regulatorServiceKeyV1, regulatorOfficialKeyV1, escrowedIdentityV1, regulatorReportV1] as const;

// ---- HTTP API ----

/** An unmasking request: which wallet, for which case, on which legal basis. */
export const unmaskingRequestCreateV1 = object({
  /** Chosen by the requester; a repeat answers the first request. */
  requestId: id(64),
  caseId: text(100),
  legalBasis: text(1000),
  walletId: id(),
});
export type UnmaskingRequestCreateV1 = Parsed<typeof unmaskingRequestCreateV1>;

/** An approval: the official's own share, opened locally from its sealed share. */
export const unmaskingApprovalV1 = object({ share: hex(undefined, 1024) });
export type UnmaskingApprovalV1 = Parsed<typeof unmaskingApprovalV1>;

/** Headers of a signed request to the regulator. */
export const officialIdHeader = 'x-official-id';
export const signedAtHeader = 'x-signed-at';
export const signatureHeader = 'x-signature';
/** A signed request older or newer than this is refused, so a captured one cannot be replayed later. */
export const signedRequestSkewMsMax = 5 * 60 * 1000;

/** The body text a signed request carries and signs: '' when there is no body. */
export function regulatorRequestBodyText(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'object' && Object.keys(body).length === 0) return '';
  return JSON.stringify(body);
}

/** What an official signs: method, path (with query), the time and the SHA-256 of the body. */
export function regulatorRequestSigningPayload(method: string, path: string, signedAtMs: number, body: string): Uint8Array {
  // The kind names no ledger command, and officials' keys are not ledger keys, so a signed
  // request can never pass for a ledger command or the other way round.
  return encodeOperatorCommandForSigning('regulator.http-request.v1', {
    method: method.toUpperCase(),
    path,
    signedAt: BigInt(signedAtMs),
    bodySha256: toHex(sha256(new TextEncoder().encode(body))),
  });
}

/** The three headers of a request signed with an official's Ed25519 key. */
export function signRegulatorRequest(
  officialId: string,
  signingPrivateKey: Uint8Array,
  method: string,
  path: string,
  body: string,
  signedAtMs: number,
): Record<string, string> {
  const signature = signFast(regulatorRequestSigningPayload(method, path, signedAtMs, body), signingPrivateKey);
  return { [officialIdHeader]: officialId, [signedAtHeader]: String(signedAtMs), [signatureHeader]: toHex(signature) };
}

export function verifyRegulatorRequest(signature: Uint8Array, signingPublicKey: Uint8Array, method: string, path: string, body: string, signedAtMs: number): boolean {
  return verifyFast(signature, regulatorRequestSigningPayload(method, path, signedAtMs, body), signingPublicKey);
}
