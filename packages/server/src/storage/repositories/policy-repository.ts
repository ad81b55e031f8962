import type { PolicyRepository, StoredPolicy } from '../../core/ports.js';
import type { DirectSql } from '../direct-sql.js';
import type { PoliciesTable } from '../schema.js';
import { isUniqueViolation } from './unique-violation.js';

const latestSql = 'SELECT * FROM policies WHERE tenant_id = ? ORDER BY version DESC LIMIT 1';
const latestVersionSql = 'SELECT MAX(version) AS version FROM policies WHERE tenant_id = ?';
const insertSql = `INSERT INTO policies (tenant_id, version, document, created_at, created_by) VALUES (?, ?, ?, ?, ?)`;

/** Policy versions through plain SQL: instances poll the newest version on the path of every evaluation. */
export function policyRepository(sql: DirectSql): PolicyRepository {
  return {
    async latest(tenantId) {
      const [row] = await sql.query<PoliciesTable>(latestSql, [tenantId]);
      return row ? toPolicy(row) : null;
    },
    async latestVersion(tenantId) {
      const [row] = await sql.query<{ version: number | string | null }>(latestVersionSql, [tenantId]);
      return Number(row?.version ?? 0);
    },
    async add(tenantId, policy) {
      try {
        await sql.run(insertSql, [
          tenantId,
          policy.version,
          JSON.stringify(policy.document),
          policy.createdAt,
          policy.createdBy,
        ]);
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },
  };
}

function toPolicy(row: PoliciesTable): StoredPolicy {
  return {
    version: Number(row.version),
    document: JSON.parse(row.document),
    createdAt: Number(row.created_at),
    createdBy: row.created_by,
  };
}
