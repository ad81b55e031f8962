export type Engine = 'sqlite' | 'postgres';

/** Which engine a `BATON_DATABASE_URL` names: `postgres://` or `postgresql://` URLs, else an SQLite file. */
export function engineOf(url: string): Engine {
  return /^postgres(ql)?:\/\//i.test(url) ? 'postgres' : 'sqlite';
}
