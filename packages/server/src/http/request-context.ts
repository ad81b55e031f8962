import type { FastifyRequest } from 'fastify';
import type { DeviceHint } from '../core/flows/sign-in-completion.js';
import type { ClientAddress, RequestContext } from '../core/model.js';
import { BatonError } from '../core/errors.js';
import { stripControlCharacters } from '../core/text/control-characters.js';
import { readParams } from '../oauth/params.js';

/** Who asks: the client address, the user agent (control characters stripped: it is stored and shown), the correlation id. */
export function requestContext(request: FastifyRequest): RequestContext {
  const userAgent = header(request, 'user-agent');
  return {
    ip: request.ip ?? null,
    userAgent: userAgent === undefined ? null : stripControlCharacters(userAgent),
    correlationId: request.id,
  };
}

/** The client's address as BATON_TRUST_PROXY lets Baton see it, and the TCP peer's, which no header changes. */
export function clientAddress(request: FastifyRequest): ClientAddress {
  return { ip: request.ip ?? null, peerIp: request.socket.remoteAddress ?? null };
}

/**
 * The device a request comes from: as Baton's SDK names it (`device_name`,
 * `device_platform`, `installation_id` form parameters), else as MSAL's headers or the
 * user agent describe it. Names are stored and shown to operators, so control characters
 * are stripped here, where they enter.
 */
export function deviceHint(request: FastifyRequest, params: Record<string, unknown> = {}): DeviceHint {
  const p = readParams(['device_name', 'device_platform', 'installation_id'], params);
  const sku = header(request, 'x-client-sku');
  const name =
    p.device_name ||
    (sku
      ? `${sku} ${header(request, 'x-client-ver') ?? ''}`.trim()
      : (header(request, 'user-agent') ?? 'unknown device'));
  const platform = p.device_platform || header(request, 'x-client-os') || 'unknown';
  return {
    name: stripControlCharacters(name).slice(0, 200),
    platform: stripControlCharacters(platform).slice(0, 100),
    installationId: p.installation_id?.slice(0, 200) || null,
  };
}

/** The parameters of a form POST; any other body is refused (RFC 6749 §3.2). */
export function formBody(request: FastifyRequest): Record<string, unknown> {
  const type = header(request, 'content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    throw new BatonError('malformed_request', 'Send the parameters as application/x-www-form-urlencoded');
  }
  return (request.body ?? {}) as Record<string, unknown>;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
