import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SealedFile } from './sealed-file.js';
import type { DeviceSsoPair, SharedDeviceStore } from './shared-device-store.js';

export interface SharedDeviceFileOptions {
  /** A folder every app of the SSO group can read and write (and no one else): the pair and, by default, its key. */
  directory: string;
  /** Path of the 256-bit AES key, when it is kept apart from the data. */
  keyFile?: string;
}

/**
 * The Native SSO pair of a device in one encrypted file (`device-sso.enc`, AES-256-GCM,
 * mode 0600, its key in another 0600 file), shared by the apps of one group: unlike
 * FileStore, which one process owns, every read goes to the file, so an app sees the pair
 * another app (another process) signed in or refreshed with. Writes replace the file
 * whole. Give each group its own directory: anyone who can read it can sign in as the
 * device's user in the group's apps.
 */
export class SharedDeviceFile implements SharedDeviceStore {
  private readonly file: SealedFile;
  private readonly dataFile: string;

  constructor(options: SharedDeviceFileOptions) {
    this.dataFile = join(options.directory, 'device-sso.enc');
    const keyFile = options.keyFile ?? join(options.directory, 'device-sso.key');
    this.file = new SealedFile(options.directory, this.dataFile, keyFile, 'baton-sdk shared device v1');
  }

  async read(): Promise<DeviceSsoPair | null> {
    return (await this.file.read<DeviceSsoPair>()) ?? null;
  }

  write(pair: DeviceSsoPair): Promise<void> {
    return this.file.write(pair);
  }

  async clear(): Promise<void> {
    await rm(this.dataFile, { force: true });
  }
}
