/**
 * Calls `deleteBatch(size)` until a batch deletes fewer than `size` rows, or `max` rows are
 * gone in all, so no single statement holds the database for long; returns how many it deleted.
 */
export async function deleteInBatches(
  deleteBatch: (size: number) => Promise<number>,
  size: number,
  max = Number.POSITIVE_INFINITY,
): Promise<number> {
  let deleted = 0;
  for (;;) {
    const batch = await deleteBatch(size);
    deleted += batch;
    if (batch < size || deleted >= max) return deleted;
  }
}
