import { BatonError } from '../../core/errors.js';
import { authorizationCodeGrant } from './authorization-code.js';
import { clientCredentialsGrant } from './client-credentials.js';
import type { Grant } from './grant.js';
import { continuationTokenGrant } from './continuation-token.js';
import { deviceCodeGrant } from './device-code.js';
import { mfaOobGrant, oobGrant } from './oob.js';
import { passwordGrant } from './password.js';
import { refreshTokenGrant } from './refresh-token.js';
import { tokenExchangeGrant } from './token-exchange.js';

/** Every grant the token endpoint serves, by `grant_type`. Adding a grant is adding a file and a line here. */
const grants = new Map<string, Grant>(
  [
    passwordGrant,
    oobGrant,
    mfaOobGrant,
    continuationTokenGrant,
    refreshTokenGrant,
    authorizationCodeGrant,
    clientCredentialsGrant,
    tokenExchangeGrant,
    deviceCodeGrant,
  ].map((g) => [g.type, g]),
);

export function findGrant(type: string | undefined): Grant {
  if (!type) throw new BatonError('malformed_request', 'grant_type is required');
  const grant = grants.get(type);
  if (!grant) throw new BatonError('unsupported_grant_type', `grant_type "${type}" is not supported`);
  return grant;
}

export const supportedGrantTypes = (): string[] => [...grants.keys()];
