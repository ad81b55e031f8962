import type { FastifyInstance } from 'fastify';
import { accountScope } from '../../core/tokens/scopes.js';
import { supportedGrantTypes } from '../../oauth/grants/registry.js';
import { tenantOf, type RouteDeps } from '../route-options.js';

/** OpenID Provider metadata for a tenant, listing the endpoints that exist. */
export function discoveryRoutes(app: FastifyInstance, { services, publicUrl }: RouteDeps) {
  app.get('/:tenant/v2.0/.well-known/openid-configuration', async (request, reply) => {
    const tenant = await tenantOf(services, request);
    const base = `${publicUrl}/${tenant.name}`;
    reply.header('cache-control', 'public, max-age=300').removeHeader('pragma');
    return {
      issuer: services.tokens.issuer(tenant),
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      token_endpoint: `${base}/oauth2/v2.0/token`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
      userinfo_endpoint: `${base}/oidc/userinfo`,
      revocation_endpoint: `${base}/oauth2/v2.0/revoke`,
      introspection_endpoint: `${base}/oauth2/v2.0/token/introspect`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      // OAuth 2.0 for First-Party Applications' metadata: native auth V2's entry and finish.
      authorization_challenge_endpoint: `${base}/oauth2/v2.0/authorize-challenge`,
      grant_types_supported: supportedGrantTypes(),
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      code_challenge_methods_supported: ['S256'],
      prompt_values_supported: ['none', 'login'],
      authorization_response_iss_parameter_supported: true,
      dpop_signing_alg_values_supported: ['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256', 'RS256'],
      token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
      revocation_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access', 'device_sso', accountScope],
      claims_supported: [
        'iss',
        'sub',
        'aud',
        'exp',
        'iat',
        'nbf',
        'auth_time',
        'oid',
        'tid',
        'sid',
        'ds_hash',
        'amr',
        'preferred_username',
        'email',
        'email_verified',
        'name',
      ],
      tenant_region_scope: null,
      native_auth_base_url: base,
    };
  });

  app.get('/:tenant/discovery/v2.0/keys', async (request, reply) => {
    const tenant = await tenantOf(services, request);
    reply.header('cache-control', 'public, max-age=60').removeHeader('pragma');
    return services.keys.jwks(tenant.id);
  });
}
