import { Inbox, type Transport } from './transport.js';

/** What this transport needs of a WebSocket: the browser's, or the `ws` package's in Node. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: { data?: unknown }) => void): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

const OPEN = 1;

/** A transport over an open WebSocket: one handoff message per text frame. */
export function webSocketTransport(socket: WebSocketLike): Transport {
  const inbox = new Inbox();
  socket.addEventListener('message', (event) => {
    if (typeof event.data === 'string') inbox.receive(event.data);
  });
  return {
    async send(message) {
      if (socket.readyState !== OPEN) throw new Error('The WebSocket is not open');
      socket.send(JSON.stringify(message));
    },
    onMessage: (handler) => inbox.subscribe(handler),
    async close() {
      socket.close(1000, 'done');
    },
  };
}

/** Opens a WebSocket (the global one unless `WebSocketImpl` is given) and wraps it once it is open. */
export function openWebSocketTransport(url: string, WebSocketImpl?: WebSocketConstructor): Promise<Transport> {
  const Impl = WebSocketImpl ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!Impl)
    return Promise.reject(
      new Error('No WebSocket here: in Node 20 use connectWebSocketTransport from @baton/sdk/node'),
    );
  const socket = new Impl(url);
  return new Promise((resolve, reject) => {
    socket.addEventListener('open', () => resolve(webSocketTransport(socket)));
    socket.addEventListener('error', () => reject(new Error(`Could not open a WebSocket to ${url}`)));
  });
}
