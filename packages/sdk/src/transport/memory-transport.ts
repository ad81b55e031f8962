import { Inbox, type Transport, type TransportMessage } from './transport.js';

/**
 * Two connected in-process transports (tests, demos in one process). Messages go through
 * JSON, as on any real wire, and arrive asynchronously.
 */
export function memoryTransportPair(): [Transport, Transport] {
  const inboxes = [new Inbox(), new Inbox()] as const;
  let open = true;
  const end = (mine: 0 | 1): Transport => ({
    async send(message: TransportMessage) {
      if (!open) throw new Error('The transport is closed');
      const frame = JSON.stringify(message);
      setTimeout(() => open && inboxes[mine === 0 ? 1 : 0].receive(frame), 0);
    },
    onMessage: (handler) => inboxes[mine].subscribe(handler),
    async close() {
      open = false;
    },
  });
  return [end(0), end(1)];
}
