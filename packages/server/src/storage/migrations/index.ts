import type { Migration, MigrationProvider } from 'kysely';
import type { Engine } from '../../config/engine.js';
import { initial } from './0001-initial.js';
import { nativeAuth } from './0002-native-auth.js';
import { handoff } from './0003-handoff.js';
import { webSso } from './0004-web-sso.js';
import { flowDeadline } from './0005-flow-deadline.js';
import { leanRefreshTokens } from './0006-lean-refresh-tokens.js';
import { expiryIndexes } from './0007-expiry-indexes.js';
import { requestCounters } from './0008-request-counters.js';
import { refreshTokenExpiry } from './0009-refresh-token-expiry.js';
import { continuationTokensByUser } from './0010-continuation-tokens-by-user.js';
import { mfaRegistration } from './0011-mfa-registration.js';
import { appScopes } from './0012-app-scopes.js';
import { appAdminLevel } from './0013-app-admin-level.js';
import { boundedRefreshTokens } from './0014-bounded-refresh-tokens.js';
import { policies } from './0015-policies.js';
import { deviceAuthorization } from './0016-device-authorization.js';
import { deviceSso } from './0017-device-sso.js';
import { sessionRefreshTokens } from './0018-session-refresh-tokens.js';

/** Migrations in order; names sort, and a released one never changes. */
export function migrationProvider(engine: Engine): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '0001-initial': initial(engine),
    '0002-native-auth': nativeAuth,
    '0003-handoff': handoff,
    '0004-web-sso': webSso,
    '0005-flow-deadline': flowDeadline,
    '0006-lean-refresh-tokens': leanRefreshTokens,
    '0007-expiry-indexes': expiryIndexes,
    '0008-request-counters': requestCounters,
    '0009-refresh-token-expiry': refreshTokenExpiry,
    '0010-continuation-tokens-by-user': continuationTokensByUser,
    '0011-mfa-registration': mfaRegistration,
    '0012-app-scopes': appScopes,
    '0013-app-admin-level': appAdminLevel,
    '0014-bounded-refresh-tokens': boundedRefreshTokens,
    '0015-policies': policies,
    '0016-device-authorization': deviceAuthorization,
    '0017-device-sso': deviceSso,
    '0018-session-refresh-tokens': sessionRefreshTokens(engine),
  };
  return { getMigrations: async () => migrations };
}
