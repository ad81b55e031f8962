import pg from 'pg';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { expectNativeAuthError } from '../support/assertions.js';
import { engines } from '../support/databases.js';
import { nativeClient, passwordSignIn } from '../native-auth/native-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('health and database outages', () => {
  let t: TestServer | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it.each(engines)('answers 200 while the %s database answers', async (engine) => {
    t = await startTestServer({ engine });
    const res = await fetch(`${t.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', database: 'ok' });
  });

  /** Runs `sql` on the cluster as its administrator, with `$1` the test server's database name. */
  async function asAdmin(server: TestServer, sql: string) {
    const name = new URL(server.server.runtime.config.databaseUrl).pathname.slice(1);
    const admin = new pg.Client({ connectionString: inject('postgresUrl') });
    await admin.connect();
    try {
      await admin.query(sql.replace('$1', name));
    } finally {
      await admin.end();
    }
  }

  it('keeps serving when PostgreSQL closes its idle connections (a restart, a failover): the pool opens new ones', async () => {
    t = await startTestServer({ engine: 'postgres' });
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    await asAdmin(
      t,
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$1' AND pid <> pg_backend_pid()",
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const res = await fetch(`${t.url}/healthz`);
    expect(res.status).toBe(200);
    expect((await fetch(`${t.base}/v2.0/.well-known/openid-configuration`)).status).toBe(200);
  });

  it('answers 503 once the PostgreSQL database is gone, so a load balancer takes the instance out', async () => {
    t = await startTestServer({ engine: 'postgres' });
    await asAdmin(t, 'DROP DATABASE $1 WITH (FORCE)');
    const res = await fetch(`${t.url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable', database: 'unreachable' });
  });

  it('answers requests with 503 temporarily_unavailable and Retry-After while the database is gone, in each wire format', async () => {
    t = await startTestServer({ engine: 'postgres' });
    const client = nativeClient(t.base, t.app.clientId);
    const refreshToken = (await passwordSignIn(client, t.user.email, t.userPassword)).body.refresh_token as string;
    await asAdmin(t, 'DROP DATABASE $1 WITH (FORCE)');

    const initiate = await client.initiate(t.user.email);
    expectNativeAuthError(initiate, 503, 'temporarily_unavailable');
    expect(initiate.headers.get('retry-after')).toBe('5');
    const refresh = await client.refresh(refreshToken);
    expect(refresh.status).toBe(503);
    expect(refresh.body).toMatchObject({ error: 'temporarily_unavailable' });
    expect(JSON.stringify(refresh.body)).not.toMatch(/3D000|does not exist|at .*\.js/);
  });
});
