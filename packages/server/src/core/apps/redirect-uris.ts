/** The hosts an `http` redirect URI may name: this machine, reached over loopback (RFC 8252 §7.3). */
const loopbackHosts = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Why `uri` may not be a redirect URI (for sign-in or logout), or null when it may. The
 * browser is sent there with a code or a session's end, so only places an app can own are
 * allowed: `https`, `http` on a loopback address (native apps, RFC 8252 §7.3), or a
 * private-use scheme with a dot in it, a reversed domain the app owns (RFC 8252 §7.1,
 * `com.example.app:/cb`). Everything else (`javascript:`, `data:`, `file:`, plain `http`
 * to another host, a one-word scheme any app may claim) is refused.
 */
export function redirectUriProblem(uri: string): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `Redirect URI "${uri}" must be an absolute URI`;
  }
  if (uri.includes('#')) return `Redirect URI "${uri}" must not have a fragment`;
  const scheme = url.protocol.slice(0, -1);
  if (scheme === 'https') return url.hostname ? null : `Redirect URI "${uri}" must name a host`;
  if (scheme === 'http')
    return loopbackHosts.has(url.hostname)
      ? null
      : `Redirect URI "${uri}" uses http on a host that is not loopback (127.0.0.1, [::1], localhost): use https`;
  if (/^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+$/.test(scheme)) return null;
  return `Redirect URI "${uri}" must be https, http on a loopback address, or a private-use scheme with a dot (com.example.app:/callback)`;
}

/**
 * Whether the browser may be sent to `uri`: registered for the app (exact match) and
 * acceptable today. An app stored before the scheme rule keeps its row, but a URI the rule
 * refuses is never used.
 */
export function mayRedirectTo(registered: readonly string[], uri: string | undefined): uri is string {
  return uri !== undefined && registered.includes(uri) && redirectUriProblem(uri) === null;
}
