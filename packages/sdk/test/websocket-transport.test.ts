import { describe, expect, it } from 'vitest';
import { connectWebSocketTransport, listenWebSocketTransport } from '../src/node.js';
import type { TransportMessage } from '../src/index.js';

describe('WebSocket transport (ws in Node)', () => {
  it('carries JSON messages both ways and keeps those sent before anyone listens', async () => {
    const listener = await listenWebSocketTransport();
    try {
      const [client, server] = await Promise.all([connectWebSocketTransport(listener.url), listener.accept()]);
      await client.send({ type: 'baton.pair', version: 1, pairing_id: 'p1' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const received: TransportMessage[] = [];
      server.onMessage((m) => received.push(m));
      await server.send({ type: 'baton.paired', version: 1, pairing_id: 'p1' });
      const reply = await new Promise<TransportMessage>((resolve) => client.onMessage(resolve));
      expect(reply).toEqual({ type: 'baton.paired', version: 1, pairing_id: 'p1' });
      expect(received).toEqual([{ type: 'baton.pair', version: 1, pairing_id: 'p1' }]);
      await client.close();
    } finally {
      await listener.close();
    }
  });
});
