/** Runs one repository call; `call` is the original method bound to its arguments. */
export type AroundCall = (name: string, call: () => unknown) => unknown;

/**
 * The repositories with every method call passed through `around`, named
 * `repository.method` (a fixed set of names, so safe as a metric label).
 */
export function aroundRepositoryCalls<Set extends Record<string, object>>(repositories: Set, around: AroundCall): Set {
  return Object.fromEntries(
    Object.entries(repositories).map(([name, repository]) => [name, aroundEachMethod(name, repository, around)]),
  ) as Set;
}

function aroundEachMethod<Repository extends object>(
  repositoryName: string,
  repository: Repository,
  around: AroundCall,
): Repository {
  const wrapped: Record<string, unknown> = { ...(repository as Record<string, unknown>) };
  for (const [name, member] of Object.entries(repository)) {
    if (typeof member !== 'function') continue;
    const callName = `${repositoryName}.${name}`;
    wrapped[name] = (...args: unknown[]) => around(callName, () => member.apply(repository, args));
  }
  return wrapped as Repository;
}

/** Reports how long each repository call took, in seconds, when it settles (resolved or rejected). */
export function timingCalls<Set extends Record<string, object>>(
  repositories: Set,
  observe: (name: string, seconds: number) => void,
): Set {
  return aroundRepositoryCalls(repositories, (name, call) => {
    const started = process.hrtime.bigint();
    const settled = () => observe(name, Number(process.hrtime.bigint() - started) / 1e9);
    try {
      const result = call();
      if (result instanceof Promise) return result.finally(settled);
      settled();
      return result;
    } catch (error) {
      settled();
      throw error;
    }
  });
}
