/**
 * Diagnostics ping, version 1: proves the Kafka round trip between an operator and the central
 * bank. The operator sends a ping on `central-bank.control.v1` keyed by its id; the central bank
 * answers with a pong carrying the same pingId on `operator.<id>.events.v1`. No state changes,
 * so neither side needs an outbox for it.
 */
import { defineMessage, MessageOf } from '../message';
import { id, text } from '../schema';

export const diagnosticPingV1 = defineMessage(
  'diagnostics.ping',
  1,
  {
    pingId: id(),
    operatorId: id(),
    /** ISO-8601 time the operator sent it; informational only. */
    sentAt: text(40),
  },
  [
    {
      type: 'diagnostics.ping',
      version: 1,
      pingId: '5b0f7c3e-2a41-4d7e-9a51-0c6f2b8e1d20',
      operatorId: 'bank-a',
      sentAt: '2025-01-01T00:00:00.000Z',
    },
  ],
);

export const diagnosticPongV1 = defineMessage(
  'diagnostics.pong',
  1,
  {
    pingId: id(),
    operatorId: id(),
    /** ISO-8601 time the central bank answered; informational only. */
    answeredAt: text(40),
  },
  [
    {
      type: 'diagnostics.pong',
      version: 1,
      pingId: '5b0f7c3e-2a41-4d7e-9a51-0c6f2b8e1d20',
      operatorId: 'bank-a',
      answeredAt: '2025-01-01T00:00:00.004Z',
    },
  ],
);

export type DiagnosticPingV1 = MessageOf<typeof diagnosticPingV1>;
export type DiagnosticPongV1 = MessageOf<typeof diagnosticPongV1>;

export const diagnosticMessages = [diagnosticPingV1, diagnosticPongV1] as const;
