/**
 * Makes the sessions bench/lib/session-seed.ts writes, batch by batch as it asks, on its own
 * thread: the token derivations (three HMACs and two digests a session) cost about as much
 * as the inserts, so the two run side by side.
 */
import { randomUUID } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { refreshTokenKeysOf } from '../../packages/server/src/core/sessions/refresh-token-format.js';
import {
  firstRefreshToken,
  refreshTokenRecord,
  successorOf,
} from '../../packages/server/src/core/sessions/refresh-tokens.js';
import type { Session } from '../../packages/server/src/core/model.js';
import { MasterKey } from '../../packages/server/src/crypto/master-key.js';
import type { SeedBatchRequest, SeedTemplate, SeededSession } from './session-seed.js';

const template = workerData as SeedTemplate;
const keys = refreshTokenKeysOf(MasterKey.fromString(template.masterKey));

function seededSession(index: number, now: number): SeededSession {
  // signed in within the last 90% of the idle limit, refreshed once since
  const createdAt = now - Math.floor(Math.random() * template.idleTtl * 900);
  const lastUsedAt = createdAt + Math.floor(Math.random() * (now - createdAt));
  const session: Session = {
    id: randomUUID(),
    tenantId: template.tenantId,
    userId: template.userIds[index % template.userIds.length]!,
    clientId: template.clientId,
    deviceId: randomUUID(),
    parentId: null,
    authTime: createdAt,
    amr: template.amr,
    createdAt,
    lastUsedAt,
    idleTtl: template.idleTtl,
    absoluteExpiresAt: createdAt + template.absoluteTtl * 1000,
    revokedAt: null,
    revokedReason: null,
  };
  const token = firstRefreshToken(session.id, keys);
  const fields = { scope: template.scope, dpopJkt: null };
  const first = refreshTokenRecord(token, session, { ...fields, generation: 0, now: createdAt });
  const current = refreshTokenRecord(successorOf(token, first, keys), session, {
    ...fields,
    generation: 1,
    now: lastUsedAt,
  });
  return [
    session.id,
    session.deviceId,
    session.userId,
    createdAt,
    lastUsedAt,
    session.absoluteExpiresAt,
    first.digest,
    first.expiresAt,
    current.digest,
    current.expiresAt,
  ];
}

parentPort!.on('message', ({ from, to, now }: SeedBatchRequest) => {
  const batch: SeededSession[] = [];
  for (let i = from; i < to; i += 1) batch.push(seededSession(i, now));
  parentPort!.postMessage(batch);
});
