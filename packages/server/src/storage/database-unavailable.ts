/** PostgreSQL SQLSTATEs that mean "no usable connection", not "this statement is wrong". */
const unavailableStates = new Set([
  '08000',
  '08001',
  '08003',
  '08004',
  '08006', // connection exceptions
  '57P01',
  '57P02',
  '57P03', // the server shutting down, crashed, or not accepting connections yet
  '53300', // too many connections
  '3D000', // the database does not exist (dropped, or not created yet)
]);
const unavailableSocketErrors = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EPIPE',
]);
/** What pg's pool and client throw when a connection cannot be made or dies mid-query. */
const unavailableMessages =
  /timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error/i;

/**
 * True when `error` says the database cannot be reached right now (PostgreSQL down,
 * restarting or unreachable; SQLite locked by another process past its busy timeout)
 * rather than that Baton did something wrong: the client should retry later. Socket
 * errors cannot tell the database from the mail server; an unreachable mail server deserves
 * the same answer.
 */
export function databaseUnavailable(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (typeof e !== 'object' || e === null) return false;
  const code = typeof e.code === 'string' ? e.code : '';
  return (
    unavailableStates.has(code) ||
    unavailableSocketErrors.has(code) ||
    code === 'SQLITE_BUSY' ||
    (typeof e.message === 'string' && unavailableMessages.test(e.message))
  );
}
