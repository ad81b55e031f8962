/**
 * Writes admin-api.d.ts, the TypeScript types of the management API, from the OpenAPI
 * document a running Baton serves (`openapi-typescript`). Run it after the API changes:
 *
 *   npx baton serve &   # or any Baton, BATON_URL=https://id.example.com
 *   npm run example:admin:types
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { adminApiTypes } from './admin-api-types.js';

const baseUrl = process.env.BATON_URL ?? 'http://localhost:8080';
const target = join(import.meta.dirname, 'admin-api.d.ts');
try {
  writeFileSync(target, await adminApiTypes(baseUrl));
  console.log(`Wrote ${target} from ${baseUrl}/admin/v1/openapi.json`);
} catch (error) {
  console.error(
    `Could not read ${baseUrl}/admin/v1/openapi.json (${(error as Error).message}). Start Baton (npx baton serve) or set BATON_URL.`,
  );
  process.exitCode = 1;
}
