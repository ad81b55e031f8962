/**
 * The peer: the certified `oidc-provider` with its in-memory adapter, refresh-token
 * rotation on, ES256 ID tokens, and JWT access tokens for one resource server (also for
 * client_credentials). It pre-mints BENCH_TOKENS grants with a refresh token each,
 * exactly as its authorization_code grant would leave them, then prints one JSON line.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

const resource = 'urn:baton-bench:api';
const refreshClientId = 'bench-native';
const serviceClientId = 'bench-service';
const serviceSecret = randomBytes(32).toString('base64url');
const signingKey = {
  ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }),
  kid: 'bench-es256',
  alg: 'ES256',
  use: 'sig',
};

const server = createServer();
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: refreshClientId,
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: ['http://127.0.0.1/callback'],
      id_token_signed_response_alg: 'ES256',
    },
    {
      client_id: serviceClientId,
      client_secret: serviceSecret,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: 'api:read',
      id_token_signed_response_alg: 'ES256',
    },
  ],
  jwks: { keys: [signingKey] },
  scopes: ['openid', 'offline_access', 'api:read'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  rotateRefreshToken: true,
  findAccount: (_ctx: unknown, sub: string) => ({
    accountId: sub,
    claims: () => ({ sub, email: `${sub}@example.com`, email_verified: true, name: 'Bench User' }),
  }),
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'api:read',
        audience: resource,
        accessTokenTTL: 3600,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
  ttl: {
    AccessToken: 3600,
    ClientCredentials: 3600,
    IdToken: 3600,
    RefreshToken: 14 * 24 * 3600,
    Grant: 14 * 24 * 3600,
    Session: 14 * 24 * 3600,
    Interaction: 600,
    AuthorizationCode: 60,
  },
});
server.on('request', provider.callback());

const client = await provider.Client.find(refreshClientId);
const tokens: string[] = [];
for (let i = 0; i < Number(process.env.BENCH_TOKENS ?? 100); i += 1) {
  const accountId = `user-${i}`;
  const grant = new provider.Grant({ accountId, clientId: refreshClientId });
  grant.addOIDCScope('openid email profile offline_access');
  grant.addResourceScope(resource, 'api:read');
  const grantId = await grant.save();
  const refreshToken = new provider.RefreshToken({
    accountId,
    client,
    grantId,
    gty: 'authorization_code',
    scope: 'openid email profile offline_access api:read',
    resource,
    authTime: Math.floor(Date.now() / 1000),
    iiat: Math.floor(Date.now() / 1000),
    expiresWithSession: false,
  });
  tokens.push(await refreshToken.save());
}

process.once('SIGTERM', () => server.close(() => process.exit(0)));
process.stdout.write(
  `${JSON.stringify({ url: issuer, refreshClientId, serviceClientId, serviceSecret, resource, tokens })}\n`,
);
