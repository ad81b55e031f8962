/**
 * What a repository throws when the database does not answer (down, restarting,
 * unreachable, locked by another process past its busy timeout), so callers can tell an
 * outage worth retrying from a fault of Baton's own. Its message is the driver's.
 */
export class DatabaseUnavailable extends Error {
  override name = 'DatabaseUnavailable';
}
