import type { Kysely } from 'kysely';
import type { AuthorizationCodeRepository } from '../../core/ports.js';
import type { Database } from '../schema.js';

export function authorizationCodeRepository(db: Kysely<Database>): AuthorizationCodeRepository {
  return {
    async insert(c) {
      await db
        .insertInto('authorization_codes')
        .values({
          digest: c.digest,
          tenant_id: c.tenantId,
          client_id: c.clientId,
          redirect_uri: c.redirectUri,
          code_challenge: c.codeChallenge,
          scope: c.scope,
          nonce: c.nonce,
          browser_session_id: c.browserSessionId,
          created_at: c.createdAt,
          expires_at: c.expiresAt,
          consumed_at: c.consumedAt,
          issued_session_id: c.issuedSessionId,
        })
        .execute();
    },
    async find(digest) {
      const r = await db.selectFrom('authorization_codes').selectAll().where('digest', '=', digest).executeTakeFirst();
      return r
        ? {
            digest: r.digest,
            tenantId: r.tenant_id,
            clientId: r.client_id,
            redirectUri: r.redirect_uri,
            codeChallenge: r.code_challenge,
            scope: r.scope,
            nonce: r.nonce,
            browserSessionId: r.browser_session_id,
            createdAt: r.created_at,
            expiresAt: r.expires_at,
            consumedAt: r.consumed_at,
            issuedSessionId: r.issued_session_id,
          }
        : null;
    },
    async consume(digest, now) {
      const result = await db
        .updateTable('authorization_codes')
        .set({ consumed_at: now })
        .where('digest', '=', digest)
        .where('consumed_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async setIssuedSession(digest, sessionId) {
      await db
        .updateTable('authorization_codes')
        .set({ issued_session_id: sessionId })
        .where('digest', '=', digest)
        .execute();
    },
  };
}
