/**
 * A JSON answer as the tests read it: field by field, each assertion stating the shape it
 * expects. Typing every answer the suites read would restate the wire formats the
 * assertions already check.
 */
// biome-ignore lint/suspicious/noExplicitAny: the tests' one untyped JSON answer, explained above
export type JsonAnswer = any;

export interface HttpResult<T = JsonAnswer> {
  status: number;
  headers: Headers;
  body: T;
}

/** POSTs an application/x-www-form-urlencoded body and reads the JSON answer. */
export async function postForm<T = JsonAnswer>(
  url: string,
  params: Record<string, string | undefined>,
  headers: Record<string, string> = {},
): Promise<HttpResult<T>> {
  const body = new URLSearchParams(
    Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  return postRaw<T>(url, body.toString(), 'application/x-www-form-urlencoded', headers);
}

/** POSTs a body exactly as given, for requests a well-behaved client would not send. */
export async function postRaw<T = JsonAnswer>(
  url: string,
  body: string,
  contentType: string,
  headers: Record<string, string> = {},
): Promise<HttpResult<T>> {
  return read<T>(await fetch(url, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body }));
}

export async function getJson<T = JsonAnswer>(
  url: string,
  headers: Record<string, string> = {},
): Promise<HttpResult<T>> {
  return read<T>(await fetch(url, { headers }));
}

async function read<T>(response: Response): Promise<HttpResult<T>> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as T };
}

/**
 * Signs a user in over the native-auth API (initiate, challenge, token with the password).
 * `extra` goes into every request body (a confidential app's `client_secret`, say).
 */
export async function signInWithPassword(
  base: string,
  clientId: string,
  username: string,
  password: string,
  scope = 'openid profile offline_access',
  extra: Record<string, string> = {},
) {
  const initiate = await postForm(`${base}/oauth2/v2.0/initiate`, {
    client_id: clientId,
    username,
    challenge_type: 'password redirect',
    ...extra,
  });
  if (initiate.status !== 200) throw new Error(`initiate failed: ${JSON.stringify(initiate.body)}`);
  const challenge = await postForm(`${base}/oauth2/v2.0/challenge`, {
    client_id: clientId,
    continuation_token: initiate.body.continuation_token,
    challenge_type: 'password redirect',
    ...extra,
  });
  if (challenge.status !== 200) throw new Error(`challenge failed: ${JSON.stringify(challenge.body)}`);
  return postForm(`${base}/oauth2/v2.0/token`, {
    client_id: clientId,
    continuation_token: challenge.body.continuation_token,
    grant_type: 'password',
    password,
    scope,
    ...extra,
  });
}
