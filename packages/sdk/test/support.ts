import type { App } from '../../server/src/core/model.js';
import type { TestServer } from '../../server/test/support/test-server.js';
import {
  BatonSdkError,
  MemoryStore,
  NativeAuthClient,
  type NativeAuthConfig,
  type Platform,
  type SecureStore,
} from '../src/index.js';

export interface Recorded {
  url: string;
  params: URLSearchParams;
  headers: Headers;
}

/** A fetch that records every request (path and form parameters) before sending it. */
export function recordingFetch() {
  const requests: Recorded[] = [];
  const fetch: Platform['fetch'] = async (url, init) => {
    requests.push({
      url,
      params: new URLSearchParams(typeof init.body === 'string' ? init.body : ''),
      headers: new Headers(init.headers),
    });
    return globalThis.fetch(url, init);
  };
  const grants = (grantType: string) =>
    requests.filter((r) => r.url.endsWith('/oauth2/v2.0/token') && r.params.get('grant_type') === grantType);
  return { fetch, requests, grants };
}

/** A clock the test moves (the SDK's own; the server keeps real time). */
export function sdkClock(start = Date.now()) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

export interface ClientOptions extends Partial<NativeAuthConfig> {
  app?: App;
  fetch?: Platform['fetch'];
  now?: () => number;
  store?: SecureStore;
}

/** A NativeAuthClient for the test server's tenant (its default app unless `app` is given). */
export function sdkClient(t: TestServer, options: ClientOptions = {}): NativeAuthClient {
  const { app = t.app, fetch, now, ...config } = options;
  return new NativeAuthClient({
    baseUrl: t.base,
    clientId: app.clientId,
    challengeTypes: ['password', 'oob'],
    store: options.store ?? new MemoryStore(),
    platform: {
      ...(fetch ? { fetch } : {}),
      ...(now ? { now } : {}),
      device: { name: 'Test phone', platform: 'vitest' },
    },
    ...config,
  });
}

/** Narrows a flow result to the state `kind`, failing with the error's code and message otherwise. */
export function expectKind<R extends { kind: string }, K extends R['kind']>(
  result: R,
  kind: K,
): Extract<R, { kind: K }> {
  if (result.kind !== kind) {
    const detail =
      result.kind === 'error'
        ? `${(result as unknown as { code: string }).code}: ${(result as unknown as Error).message}`
        : result.kind;
    throw new Error(`expected ${kind}, got ${detail}`);
  }
  return result as Extract<R, { kind: K }>;
}

/** Narrows a flow result to an error with `code`. */
export function expectError<R extends { kind: string }>(result: R, code: BatonSdkError['code']): BatonSdkError {
  if (!(result instanceof BatonSdkError)) throw new Error(`expected error ${code}, got ${result.kind}`);
  if (result.code !== code) throw new Error(`expected error ${code}, got ${result.code}: ${result.message}`);
  return result;
}
