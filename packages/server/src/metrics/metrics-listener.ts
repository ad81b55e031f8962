import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MetricsListener {
  /** Where Prometheus scrapes: `http://host:port/metrics`. */
  url: string;
  close(): Promise<void>;
}

/** Where the listener's text comes from: one process's registry, or the cluster's aggregate. */
export interface MetricsSource {
  contentType: string;
  metrics(): Promise<string>;
}

/**
 * The second listener: `GET /metrics` in Prometheus text, nothing else. It is apart from
 * the public port so that a reverse proxy never exposes it by accident, and it listens on
 * loopback unless told otherwise.
 */
export async function startMetricsListener(
  source: MetricsSource,
  { host, port }: { host: string; port: number },
): Promise<MetricsListener> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics') return response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('Use GET\n');
    source.metrics().then(
      (text) => response.writeHead(200, { 'content-type': source.contentType }).end(text),
      () => response.writeHead(500, { 'content-type': 'text/plain' }).end('Metrics could not be collected\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
