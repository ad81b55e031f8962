/** A bound on the tasks that may wait: past `max` waiting, a new task is refused with `full()` at once. */
export interface QueueBound {
  max: number;
  full: () => Error;
}

/**
 * Runs at most `slots` tasks at once; the rest wait in arrival order. A finishing task
 * hands its slot straight to the next waiter. With a `queue` bound, a task that would
 * wait behind `queue.max` others is refused instead, so a flood sheds load rather than
 * making every caller wait ever longer.
 */
export function concurrencyLimit(slots: number, queue?: QueueBound) {
  let running = 0;
  const waiting: Array<() => void> = [];
  async function limited<T>(task: () => Promise<T>): Promise<T> {
    if (running < slots) running += 1;
    else if (queue && waiting.length >= queue.max) throw queue.full();
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  }
  /** How many tasks wait for a slot now (the metrics' queue depth). */
  return Object.assign(limited, { waiting: () => waiting.length });
}
