import { FormClient, type Params } from './http/form-client.js';
import { defaultPlatform, randomId, type Platform } from './platform.js';
import { MemoryStore } from './storage/memory-store.js';
import type { SecureStore } from './storage/secure-store.js';
import type { SharedDeviceStore } from './storage/shared-device-store.js';

/** What every SDK entry point (NativeAuthClient, Companion) is configured with. */
export interface ClientConfig {
  /** The tenant base URL: `${publicUrl}/${tenant}`. */
  baseUrl: string;
  clientId: string;
  /** Scopes to ask for; `openid profile offline_access` by default (Baton always issues ID and refresh tokens). */
  scopes?: string[];
  /** Where sessions and keys are kept; a MemoryStore (nothing survives the process) by default. */
  store?: SecureStore;
  /**
   * Lets `exportRefreshToken()` hand out the raw refresh token, when the app registration
   * allows it too. Off by default: prefer the brokered handoff (`account.handOff`).
   */
  allowRefreshTokenExport?: boolean;
  /** This installation's id; by default a random id created once per store. */
  installationId?: string;
  /** fetch, clock and device description; defaults to the runtime's. */
  platform?: Partial<Platform>;
  /**
   * Native SSO: the store the apps of this app's SSO group (`--sso-group`) share on this
   * device. With it the SDK asks for `device_sso`, keeps the group's device secret and ID
   * token there after every sign-in and refresh, and `signInWithDeviceSso()` can sign in
   * with another app's sign-in. Node only (`SharedDeviceFile`); browsers have none.
   */
  sharedDevice?: SharedDeviceStore;
}

/** The shared plumbing of one configured client. */
export interface SdkContext {
  config: ClientConfig;
  platform: Platform;
  store: SecureStore;
  /** The group's shared-device store (Native SSO), or null. */
  sharedDevice: SharedDeviceStore | null;
  http: FormClient;
  scope: string;
  /** Store key of this app's session. */
  sessionKey: string;
  /** `installation_id`, `device_name` and `device_platform`, sent with every token request. */
  deviceParams(): Promise<Params>;
}

export const dpopKeyName = 'baton.dpop';
const installationKey = 'baton.installation_id';

export function createContext(config: ClientConfig): SdkContext {
  const platform = defaultPlatform(config.platform);
  const store = config.store ?? new MemoryStore();
  let installation: Promise<string> | null = null;
  const installationId = () =>
    (installation ??= config.installationId ? Promise.resolve(config.installationId) : storedInstallationId(store));
  return {
    config,
    platform,
    store,
    sharedDevice: config.sharedDevice ?? null,
    http: new FormClient(config.baseUrl, config.clientId, platform),
    scope: [
      ...new Set([
        ...(config.scopes ?? ['openid', 'profile', 'offline_access']), // Native SSO: the scope that asks for the device secret.
        ...(config.sharedDevice ? ['device_sso'] : []),
      ]),
    ].join(' '),
    sessionKey: `baton.session:${config.clientId}`,
    deviceParams: async () => ({
      installation_id: await installationId(),
      device_name: platform.device.name,
      device_platform: platform.device.platform,
    }),
  };
}

async function storedInstallationId(store: SecureStore): Promise<string> {
  const existing = await store.get(installationKey);
  if (existing) return existing;
  const id = randomId(16);
  await store.set(installationKey, id);
  return id;
}
