/**
 * Versioned messages: every message on the wire is a JSON object `{ type, version, ...fields }`.
 * A message definition names its type and version, parses its fields, and carries samples that
 * the tests keep parsing forever, so an old producer's message never becomes unreadable by
 * accident. A new shape is a new version beside the old one, never an edit of it.
 */
import { ContractError, object, ObjectOf, Parser, Shape } from './schema';

/** A message larger than this is refused before it is parsed (a ledger command is ~400 bytes). */
export const messageBytesMax = 256 * 1024;

export interface MessageDefinition<T> {
  readonly type: string;
  readonly version: number;
  readonly parse: Parser<T>;
  /** Wire-form samples (as a producer of that version wrote them). */
  readonly samples: readonly Record<string, unknown>[];
}

export function defineMessage<S extends Shape>(
  type: string,
  version: number,
  shape: S,
  samples: readonly Record<string, unknown>[],
): MessageDefinition<ObjectOf<S>> {
  const parseFields = object(shape);
  return {
    type,
    version,
    samples,
    parse: (value, path) => {
      if (typeof value !== 'object' || value === null) throw new ContractError('MALFORMED', path, 'expected an object');
      const { type: _type, version: _version, ...fields } = value as Record<string, unknown>;
      return parseFields(fields, path);
    },
  };
}

export type MessageOf<D> = D extends MessageDefinition<infer T> ? T : never;

export interface Envelope<T = unknown> {
  readonly type: string;
  readonly version: number;
  readonly body: T;
}

/** Looks up definitions by type and version; unknown ones are errors with a stable code. */
export class MessageRegistry {
  private readonly byKey = new Map<string, MessageDefinition<unknown>>();
  private readonly types = new Set<string>();

  constructor(definitions: readonly MessageDefinition<unknown>[]) {
    for (const definition of definitions) {
      const key = `${definition.type}@${definition.version}`;
      if (this.byKey.has(key)) throw new Error(`duplicate message definition ${key}`);
      this.byKey.set(key, definition);
      this.types.add(definition.type);
    }
  }

  definitions(): MessageDefinition<unknown>[] {
    return [...this.byKey.values()];
  }

  /** Parses raw bytes or text into a typed envelope, or throws ContractError. */
  decode(raw: Buffer | string): Envelope {
    const size = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.length;
    if (size > messageBytesMax) throw new ContractError('TOO_LARGE', '', `message of ${size} bytes exceeds ${messageBytesMax}`);
    let value: unknown;
    try {
      value = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
    } catch {
      throw new ContractError('MALFORMED', '', 'not valid JSON');
    }
    return this.parse(value);
  }

  parse(value: unknown): Envelope {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ContractError('MALFORMED', '', 'expected a JSON object');
    }
    const { type, version } = value as { type?: unknown; version?: unknown };
    if (typeof type !== 'string') throw new ContractError('MALFORMED', 'type', 'expected a message type');
    if (typeof version !== 'number') throw new ContractError('MALFORMED', 'version', 'expected a message version');
    const definition = this.byKey.get(`${type}@${version}`);
    if (!definition) {
      if (this.types.has(type)) throw new ContractError('UNKNOWN_VERSION', 'version', `no version ${version} of ${type}`);
      throw new ContractError('UNKNOWN_TYPE', 'type', `unknown message type ${type}`);
    }
    return { type, version, body: definition.parse(value, '') };
  }
}

/** JSON text for the wire: bigints become decimal strings (the schema parses them back). */
export function encodeMessage<T extends object>(definition: MessageDefinition<T>, body: T): string {
  return JSON.stringify({ type: definition.type, version: definition.version, ...body }, bigintAsString);
}

function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
