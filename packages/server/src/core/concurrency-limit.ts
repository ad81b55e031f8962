/**
 * Runs at most `slots` tasks at once; the rest wait in arrival order. A finishing task
 * hands its slot straight to the next waiter.
 */
export function concurrencyLimit(slots: number) {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async function limited<T>(task: () => Promise<T>): Promise<T> {
    if (running < slots) running += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  };
}
