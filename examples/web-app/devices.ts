/** A session of the user's device graph as Baton's account API answers it (docs/account.md). */
export interface DeviceSession {
  id: string;
  parent_id: string | null;
  app: { client_id: string; name: string | null };
  device: { name: string; platform: string; kind: string };
  last_used_at: string;
  status: 'active' | 'expired' | 'revoked';
  current: boolean;
}

/**
 * The signed-in user's devices, from Baton's account API with this app's access token
 * (which asked for `baton.account`); null when Baton does not answer with them (the
 * token expired: the page offers to refresh).
 */
export async function ownDevices(issuerBase: string, accessToken: string): Promise<DeviceSession[] | null> {
  const response = await fetch(`${issuerBase.replace(/\/$/, '')}/account/v1/sessions`, {
    headers: { authorization: `Bearer ${accessToken}` },
  }).catch(() => null);
  if (!response?.ok) return null;
  const body = (await response.json()) as { sessions?: DeviceSession[] };
  return body.sessions ?? null;
}
