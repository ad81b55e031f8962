/**
 * OpenID Connect Native SSO: what the apps of one SSO group share on a device, an ID token
 * Baton issued to one of them (with `sid` and `ds_hash`) and the device secret.
 */
export interface DeviceSsoPair {
  idToken: string;
  deviceSecret: string;
}

/**
 * Where the apps of one group keep the pair so each can sign in with the others' sign-in
 * (`NativeAuthClient.signInWithDeviceSso`). Every app of the group must reach the same
 * store; each read sees what another app wrote last. In Node, `SharedDeviceFile` (from
 * `@baton/sdk/node`); in a browser there is none (see the SDK's README).
 */
export interface SharedDeviceStore {
  read(): Promise<DeviceSsoPair | null>;
  write(pair: DeviceSsoPair): Promise<void>;
  clear(): Promise<void>;
}

/** A shared-device store in memory: the apps of one process (tests, or several clients in one program). */
export class MemorySharedDeviceStore implements SharedDeviceStore {
  private pair: DeviceSsoPair | null = null;

  async read() {
    return this.pair;
  }

  async write(pair: DeviceSsoPair) {
    this.pair = { ...pair };
  }

  async clear() {
    this.pair = null;
  }
}
