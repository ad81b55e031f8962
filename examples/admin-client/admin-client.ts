import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './admin-api.js';

type DeviceGraph = paths['/admin/v1/tenants/{tenant}/users/{id}/sessions']['get']['responses'][200];
/** One session of the device graph: id, parent_id, app, device {id, name, platform, kind}, times, amr. */
export type Session = DeviceGraph['content']['application/json']['sessions'][number];

/**
 * A typed client of Baton's management API: every path, parameter, body and answer is
 * checked by TypeScript against admin-api.d.ts, generated from the server's own OpenAPI
 * document. `token` is BATON_ADMIN_TOKEN, or an access token of an app created with
 * `--admin read|write` (its own tenant only).
 */
export function adminClient(baseUrl: string, token: string) {
  const client = createClient<paths>({ baseUrl });
  const authorize: Middleware = {
    onRequest({ request }) {
      request.headers.set('authorization', `Bearer ${token}`);
      return request;
    },
  };
  client.use(authorize);
  return client;
}

export type AdminClient = ReturnType<typeof adminClient>;

/** A problem-details answer as an Error that says what Baton said. */
function failure(what: string, error: unknown): Error {
  const problem = error as { status?: number; code?: string; detail?: string } | undefined;
  return new Error(`${what}: ${problem?.status ?? '?'} ${problem?.code ?? ''} ${problem?.detail ?? ''}`.trim());
}

/** Creates an account (with a password, or code-only without one) and answers its id. */
export async function createUser(
  client: AdminClient,
  tenant: string,
  user: { email: string; password?: string; display_name?: string },
): Promise<string> {
  const { data, error } = await client.POST('/admin/v1/tenants/{tenant}/users', {
    params: { path: { tenant } },
    body: user,
  });
  if (!data) throw failure(`creating ${user.email}`, error);
  return data.id;
}

/** The user's device graph: every session with its parent, app and device. */
export async function devicesOf(client: AdminClient, tenant: string, userId: string): Promise<Session[]> {
  const { data, error } = await client.GET('/admin/v1/tenants/{tenant}/users/{id}/sessions', {
    params: { path: { tenant, id: userId } },
  });
  if (!data) throw failure(`listing the sessions of ${userId}`, error);
  return data.sessions;
}

/** Signs one device out: its session and every session that came from it. Answers the ids ended. */
export async function revokeDevice(client: AdminClient, tenant: string, sessionId: string): Promise<string[]> {
  const { data, error } = await client.DELETE('/admin/v1/tenants/{tenant}/sessions/{id}', {
    params: { path: { tenant, id: sessionId } },
  });
  if (!data) throw failure(`revoking ${sessionId}`, error);
  return data.revoked;
}
