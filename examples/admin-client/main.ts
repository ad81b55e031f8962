/**
 * The management API from an app's back office: create a user, see their devices, sign
 * one device out.
 *
 *   BATON_URL=http://localhost:8080 BATON_ADMIN_TOKEN=... npm run example:admin -- create-user demo ada@example.com
 *   npm run example:admin -- devices demo <user id>
 *   npm run example:admin -- revoke demo <session id>
 */
import { adminClient, createUser, devicesOf, revokeDevice } from './admin-client.js';

const baseUrl = process.env.BATON_URL ?? 'http://localhost:8080';
const token = process.env.BATON_ADMIN_TOKEN;
const [command, tenant, subject] = process.argv.slice(2);
const usage = 'usage: npm run example:admin -- create-user|devices|revoke <tenant> <email|user id|session id>';

async function main(): Promise<string> {
  if (!token) throw new Error('Set BATON_ADMIN_TOKEN (the server must have the same one) or an --admin app token');
  if (!tenant || !subject) throw new Error(usage);
  const client = adminClient(baseUrl, token);
  switch (command) {
    case 'create-user':
      return `created user ${await createUser(client, tenant, { email: subject })} (code-only: no password)`;
    case 'devices':
      return (await devicesOf(client, tenant, subject))
        .map((s) => `${s.id}  ${s.device.kind.padEnd(9)} ${s.device.name}  parent ${s.parent_id ?? '-'}  ${s.status}`)
        .join('\n');
    case 'revoke':
      return `signed out: ${(await revokeDevice(client, tenant, subject)).join(', ') || 'nothing (already ended)'}`;
    default:
      throw new Error(usage);
  }
}

main().then(
  (text) => console.log(text),
  (error: Error) => {
    const unreachable = (error.cause as { code?: string } | undefined)?.code === 'ECONNREFUSED';
    console.error(
      unreachable ? `Baton is not reachable at ${baseUrl}: start it (npm start) or set BATON_URL` : error.message,
    );
    process.exitCode = 1;
  },
);
