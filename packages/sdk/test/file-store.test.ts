import { chmod, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.js';
import { FileStore } from '../src/node.js';
import { expectKind, sdkClient } from './support.js';

const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('FileStore (Node)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps a session encrypted at rest, key and data files 0600, and reopens it', async () => {
    const directory = join(await mkdtemp(join(tmpdir(), 'baton-sdk-')), 'store');
    const store = new FileStore({ directory });
    const { account } = expectKind(
      await sdkClient(t, { store }).signIn({ username: t.user.email, password: t.userPassword }),
      'signed_in',
    );
    const accessToken = await account.getAccessToken();
    const raw = JSON.parse((await store.get(`baton.session:${t.app.clientId}`))!);

    expect((await stat(directory)).mode & 0o777).toBe(0o700);
    expect(await mode(join(directory, 'store.key'))).toBe(0o600);
    expect(await mode(join(directory, 'store.enc'))).toBe(0o600);
    const onDisk = await readFile(join(directory, 'store.enc'), 'utf8');
    for (const secret of [raw.refreshToken, accessToken, raw.idToken, t.user.email, raw.refreshToken.slice(0, 16)])
      expect(onDisk).not.toContain(secret);
    expect((await readdir(directory)).sort()).toEqual(['store.enc', 'store.key']);

    const reopened = await sdkClient(t, { store: new FileStore({ directory }) }).getAccount();
    expect(reopened?.username).toBe(t.user.email);
    expect(await reopened!.getAccessToken({ forceRefresh: true })).toEqual(expect.any(String));
  });

  it('keeps key pairs across restarts, hands out non-extractable private keys', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'baton-sdk-'));
    const first = await new FileStore({ directory }).keyPair('dpop', 'ECDSA');
    expect(first.privateKey.extractable).toBe(false);
    const again = await new FileStore({ directory }).keyPair('dpop', 'ECDSA');
    const jwk = async (k: typeof first) => globalThis.crypto.subtle.exportKey('jwk', k.publicKey);
    expect(await jwk(again)).toEqual(await jwk(first));
    expect(await readFile(join(directory, 'store.enc'), 'utf8')).not.toContain((await jwk(first)).x);
  });

  it('refuses a key file others can read, and data encrypted under another key', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'baton-sdk-'));
    await new FileStore({ directory }).set('k', 'v');
    await chmod(join(directory, 'store.key'), 0o644);
    await expect(new FileStore({ directory }).get('k')).rejects.toThrow(/readable by other users/);
    await chmod(join(directory, 'store.key'), 0o600);
    expect(await new FileStore({ directory }).get('k')).toBe('v');
    await writeFile(join(directory, 'store.key'), Buffer.alloc(32, 7).toString('base64url'), { mode: 0o600 });
    await expect(new FileStore({ directory }).get('k')).rejects.toThrow();
  });
});
