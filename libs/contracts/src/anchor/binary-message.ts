/**
 * Versioned messages with a binary body (docs/decisions/0018-binary-anchor-proposals.md).
 *
 * Every other message is a JSON object `{ type, version, ...fields }` (message.ts). A message whose
 * bulk is hashes and canonical encodings (a block proposal) would spend most of its bytes and
 * most of its CPU on hex and JSON, so it may instead be binary, framed so it can never be taken for
 * JSON and still names its type and version:
 *
 *   magic      4 bytes  0x00 'c' 'b' 'm' (a JSON text never starts with a NUL byte)
 *   type       1 byte length (1..64), then the type name in ASCII, e.g. `anchor.block-proposal`
 *   version    u16, big-endian
 *   body       the definition's own fixed layout, to the last byte (nothing may follow it)
 *
 * Integers are big-endian. A definition decodes its body with the bounded reader below, so a
 * length that runs past the end, a count over its limit or a byte left over is a ContractError
 * (`MALFORMED`), an unknown type or version has the same stable codes as in JSON, and a message
 * over `messageBytesMax` is `TOO_LARGE` before anything is read. Like JSON definitions, each
 * version keeps samples (the whole message, in hex, as a producer of that version wrote it) that
 * the tests decode and re-encode byte for byte forever.
 * This lives beside the anchor messages because they are its only user so far; it depends on
 * nothing of theirs.
 */
import { messageBytesMax, type Envelope } from '../message';
import { ContractError } from '../schema';

export const binaryMagic = Uint8Array.from([0x00, 0x63, 0x62, 0x6d]);
/** Longest type name a binary message carries, in ASCII bytes. */
export const binaryTypeBytesMax = 64;
const typePattern = /^[a-z][a-z0-9.-]*$/;

/** Whether these bytes are framed as a binary message (as opposed to JSON text). */
export function isBinaryMessage(raw: Uint8Array): boolean {
  return raw.length >= binaryMagic.length && raw[0] === binaryMagic[0] && raw[1] === binaryMagic[1] && raw[2] === binaryMagic[2] && raw[3] === binaryMagic[3];
}

/** Reads a binary body from front to back; every read checks the bytes remaining and its limit. */
export class BinaryReader {
  private offset: number;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    offset = 0,
  ) {
    this.offset = offset;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  u8(path: string): number {
    this.need(1, path);
    return this.bytes[this.offset++]!;
  }

  u16(path: string): number {
    this.need(2, path);
    const value = this.view.getUint16(this.offset);
    this.offset += 2;
    return value;
  }

  /** A count or length in 0..max (u16); over the limit is MALFORMED. */
  u16AtMost(max: number, path: string): number {
    const value = this.u16(path);
    if (value > max) throw new ContractError('MALFORMED', path, `${value} is more than ${max}`);
    return value;
  }

  /** `length` raw bytes, as a view of the message (no copy); the message buffer must outlive the body. */
  bytesOf(length: number, path: string): Uint8Array {
    this.need(length, path);
    const value = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  /** An id: a u8 length (1..lengthMax) and ASCII from `[A-Za-z0-9._:-]`, as the JSON schema's `id()`. */
  id(lengthMax: number, path: string): string {
    const length = this.u8(path);
    if (length === 0 || length > lengthMax) throw new ContractError('MALFORMED', path, `expected an id of 1..${lengthMax} characters`);
    const raw = this.bytesOf(length, path);
    let value = '';
    for (const code of raw) {
      const ok = (code >= 0x30 && code <= 0x3a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x2e || code === 0x2d;
      if (!ok) throw new ContractError('MALFORMED', path, 'expected an id of characters [A-Za-z0-9._:-]');
      value += String.fromCharCode(code);
    }
    return value;
  }

  end(): void {
    if (this.offset !== this.bytes.length) throw new ContractError('MALFORMED', '', `${this.bytes.length - this.offset} bytes after the end of the message`);
  }

  private need(count: number, path: string): void {
    if (this.offset + count > this.bytes.length) throw new ContractError('MALFORMED', path, 'the message ends early');
  }
}

/** The framing of one type and version: magic, type name and version, ready to prefix a body. */
export function binaryPrefix(type: string, version: number): Uint8Array {
  if (!typePattern.test(type) || type.length > binaryTypeBytesMax) throw new TypeError(`bad binary message type ${type}`);
  if (!Number.isInteger(version) || version < 1 || version > 0xffff) throw new TypeError(`bad binary message version ${version}`);
  const prefix = new Uint8Array(binaryMagic.length + 1 + type.length + 2);
  prefix.set(binaryMagic, 0);
  prefix[binaryMagic.length] = type.length;
  for (let index = 0; index < type.length; index++) prefix[binaryMagic.length + 1 + index] = type.charCodeAt(index);
  new DataView(prefix.buffer).setUint16(binaryMagic.length + 1 + type.length, version);
  return prefix;
}

export interface BinaryMessageDefinition<T> {
  readonly type: string;
  readonly version: number;
  /** Reads the body that follows the framing; must consume it to the end. */
  readonly decodeBody: (reader: BinaryReader) => T;
  /** The whole message: framing and body. */
  readonly encode: (body: T) => Uint8Array;
  /** Whole messages in lower-case hex, as a producer of this version wrote them. */
  readonly samples: readonly string[];
}

export type BinaryMessageOf<D> = D extends BinaryMessageDefinition<infer T> ? T : never;

/** Looks binary definitions up by the type and version in the framing, with the JSON registry's error codes. */
export class BinaryMessageRegistry {
  private readonly byKey = new Map<string, BinaryMessageDefinition<unknown>>();
  private readonly types = new Set<string>();

  constructor(definitions: readonly BinaryMessageDefinition<unknown>[]) {
    for (const definition of definitions) {
      const key = `${definition.type}@${definition.version}`;
      if (this.byKey.has(key)) throw new Error(`duplicate binary message definition ${key}`);
      this.byKey.set(key, definition);
      this.types.add(definition.type);
    }
  }

  decode(raw: Uint8Array): Envelope {
    if (raw.length > messageBytesMax) throw new ContractError('TOO_LARGE', '', `message of ${raw.length} bytes exceeds ${messageBytesMax}`);
    if (!isBinaryMessage(raw)) throw new ContractError('MALFORMED', '', 'not a binary message (magic)');
    const reader = new BinaryReader(raw, binaryMagic.length);
    const typeLength = reader.u8('type');
    if (typeLength === 0 || typeLength > binaryTypeBytesMax) throw new ContractError('MALFORMED', 'type', 'expected a message type');
    const type = String.fromCharCode(...reader.bytesOf(typeLength, 'type'));
    if (!typePattern.test(type)) throw new ContractError('MALFORMED', 'type', 'expected a message type');
    const version = reader.u16('version');
    const definition = this.byKey.get(`${type}@${version}`);
    if (!definition) {
      if (this.types.has(type)) throw new ContractError('UNKNOWN_VERSION', 'version', `no version ${version} of ${type}`);
      throw new ContractError('UNKNOWN_TYPE', 'type', `unknown message type ${type}`);
    }
    const body = definition.decodeBody(reader);
    reader.end();
    return { type, version, body };
  }
}
