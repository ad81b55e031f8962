import { readFileSync } from 'node:fs';

/**
 * Bytes `pids` have caused to be written to storage so far (`write_bytes` of /proc/PID/io:
 * what they dirtied in the page cache, the database's WAL and checkpoints included); a
 * process that is gone counts 0. Per request, it shows what a database's size costs each
 * write: a large B-tree's scattered pages, each a whole page in the WAL.
 */
export function storageBytesWritten(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      total += Number(/^write_bytes: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone between listing and reading: it wrote nothing more
    }
  }
  return total;
}
