/**
 * @baton/sdk/node: everything in the main entry, plus what only Node has: the encrypted
 * file store, WebSocket transports over the `ws` package, the device description from
 * the operating system, and QR codes drawn in a terminal (device sign-in).
 */
import { hostname, platform as osPlatform } from 'node:os';
import { WebSocket, WebSocketServer } from 'ws';
import type { DeviceInfo } from './platform.js';
import type { Transport } from './transport/transport.js';
import {
  openWebSocketTransport,
  webSocketTransport,
  type WebSocketConstructor,
  type WebSocketLike,
} from './transport/websocket-transport.js';

export * from './index.js';
export { FileStore, type FileStoreOptions } from './storage/file-store.js';
export { SharedDeviceFile, type SharedDeviceFileOptions } from './storage/shared-device-file.js';
export { terminalQrCode } from './device/terminal-qr.js';

/** This machine as the SDK names it to the server: host name and OS. */
export function nodeDevice(name = hostname()): DeviceInfo {
  return { name, platform: `${osPlatform()} (node ${process.versions.node})` };
}

/** Connects to a WebSocket endpoint (the peer, or a relay) and wraps it as a transport. */
export function connectWebSocketTransport(url: string): Promise<Transport> {
  return openWebSocketTransport(url, WebSocket as unknown as WebSocketConstructor);
}

export interface WebSocketListener {
  /** `ws://host:port` to give the other side. */
  url: string;
  /** The transport over the first connection that arrives. */
  accept(): Promise<Transport>;
  close(): Promise<void>;
}

/** Listens for one peer on `host:port` (port 0 picks a free one). */
export function listenWebSocketTransport(options: { host?: string; port?: number } = {}): Promise<WebSocketListener> {
  const host = options.host ?? '127.0.0.1';
  const server = new WebSocketServer({ host, port: options.port ?? 0 });
  const first = new Promise<Transport>((resolve) =>
    server.once('connection', (socket) => resolve(webSocketTransport(socket as unknown as WebSocketLike))),
  );
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => {
      const { port } = server.address() as { port: number };
      resolve({
        url: `ws://${host}:${port}`,
        accept: () => first,
        close: () =>
          new Promise((done) => {
            for (const client of server.clients) client.terminate();
            server.close(() => done());
          }),
      });
    });
  });
}
