import type { Kysely } from 'kysely';
import type { AuthorizationCodeRepository } from '../../core/ports.js';
import type { Database } from '../schema.js';

export function authorizationCodeRepository(db: Kysely<Database>): AuthorizationCodeRepository {
  return {
    async insert(code) {
      await db
        .insertInto('authorization_codes')
        .values({
          digest: code.digest,
          tenant_id: code.tenantId,
          client_id: code.clientId,
          redirect_uri: code.redirectUri,
          code_challenge: code.codeChallenge,
          scope: code.scope,
          nonce: code.nonce,
          browser_session_id: code.browserSessionId,
          created_at: code.createdAt,
          expires_at: code.expiresAt,
          consumed_at: code.consumedAt,
          issued_session_id: code.issuedSessionId,
        })
        .execute();
    },
    async find(digest) {
      const row = await db
        .selectFrom('authorization_codes')
        .selectAll()
        .where('digest', '=', digest)
        .executeTakeFirst();
      return row
        ? {
            digest: row.digest,
            tenantId: row.tenant_id,
            clientId: row.client_id,
            redirectUri: row.redirect_uri,
            codeChallenge: row.code_challenge,
            scope: row.scope,
            nonce: row.nonce,
            browserSessionId: row.browser_session_id,
            createdAt: row.created_at,
            expiresAt: row.expires_at,
            consumedAt: row.consumed_at,
            issuedSessionId: row.issued_session_id,
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
