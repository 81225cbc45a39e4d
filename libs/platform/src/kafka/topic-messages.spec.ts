// Proves messages are grouped by topic for one producer call, each topic's messages in their order.
import { topicMessagesOf } from './kafka-client';

describe('topicMessagesOf', () => {
  it('groups by topic in first-seen order and keeps the order within a topic', () => {
    expect(
      topicMessagesOf([
        { topic: 'b', key: 'k1', value: '1' },
        { topic: 'a', key: null, value: '2' },
        { topic: 'b', key: 'k3', value: '3' },
      ]),
    ).toEqual([
      { topic: 'b', messages: [{ key: 'k1', value: '1' }, { key: 'k3', value: '3' }] },
      { topic: 'a', messages: [{ key: null, value: '2' }] },
    ]);
    expect(topicMessagesOf([])).toEqual([]);
  });
});
