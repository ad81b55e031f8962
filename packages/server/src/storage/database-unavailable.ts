import { aroundRepositoryCalls } from './repository-calls.js';
import { DatabaseUnavailable } from '../core/database-unavailable.js';

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

/**
 * The repositories with every driver error that means "the database cannot be reached"
 * rethrown as the domain's `DatabaseUnavailable` (the driver's message kept, the error as
 * its cause), so nothing above storage needs to know the drivers' codes.
 */
export function reportingOutages<Set extends Record<string, object>>(repositories: Set): Set {
  return aroundRepositoryCalls(repositories, (_name, call) => {
    try {
      const result = call();
      return result instanceof Promise ? result.catch(rethrowOutage) : result;
    } catch (error) {
      return rethrowOutage(error);
    }
  });
}

function rethrowOutage(error: unknown): never {
  if (!databaseUnavailable(error)) throw error;
  throw new DatabaseUnavailable(error instanceof Error ? error.message : String(error), { cause: error });
}
