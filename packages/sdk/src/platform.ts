/**
 * What the SDK needs from the platform it runs on, so the same code runs in Node 20, in
 * browsers and in tests: `fetch`, a clock and a description of the device. WebCrypto is
 * read from `globalThis.crypto.subtle`, which both runtimes have.
 */
export interface Platform {
  fetch(url: string, init: RequestInit): Promise<Response>;
  now(): number;
  /** Sent with token requests (`device_name`, `device_platform`) so the user can tell sessions apart. */
  device: DeviceInfo;
}

export interface DeviceInfo {
  name: string;
  platform: string;
}

export function defaultPlatform(overrides: Partial<Platform> = {}): Platform {
  const navigatorLike = (globalThis as { navigator?: { userAgent?: string; platform?: string } }).navigator;
  return {
    fetch: (url, init) => globalThis.fetch(url, init),
    now: () => Date.now(),
    device: {
      name: navigatorLike?.userAgent?.slice(0, 200) || 'Baton SDK',
      platform: navigatorLike?.platform || 'web',
    },
    ...overrides,
  };
}

/** `n` random bytes as base64url: ids, jtis, pairing ids. */
export function randomId(n = 16): string {
  return base64url(globalThis.crypto.getRandomValues(new Uint8Array(n)));
}

export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

type Subtle = typeof globalThis.crypto.subtle;
/** The runtime's WebCrypto key type (Node's `webcrypto.CryptoKey`, the browser's `CryptoKey`). */
export type WebCryptoKey = Awaited<ReturnType<Subtle['unwrapKey']>>;
