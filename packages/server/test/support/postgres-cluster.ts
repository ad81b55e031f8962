import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { freePort } from './free-port.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway PostgreSQL cluster from Debian's binaries: initdb in a temp folder, a free
 * port on 127.0.0.1, trust authentication. As root, the binaries run as the `postgres`
 * user (they refuse root).
 */
export interface PostgresCluster {
  url: string;
  /** The postmaster's process id (the benchmark pins it and counts its CPU). */
  pid: number;
  stop(): Promise<void>;
}

const installHint =
  'PostgreSQL server binaries (initdb, pg_ctl) were not found. Install them with: apt-get update && apt-get install -y postgresql';

function findBinDir(): string {
  const debianRoot = '/usr/lib/postgresql';
  if (existsSync(debianRoot)) {
    const versions = readdirSync(debianRoot)
      .filter((v) => existsSync(join(debianRoot, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(debianRoot, versions[0], 'bin');
  }
  for (const dir of (process.env.PATH ?? '').split(':'))
    if (existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  throw new Error(installHint);
}

export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = findBinDir();
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'baton-pg-'));
  const dataDir = join(dir, 'data');
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const run = (command: string, args: string[]) => {
    const [file, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(bin, command), ...args]]
      : [join(bin, command), args];
    return execFileSync(file as string, argv as string[], { stdio: 'pipe', cwd: dir });
  };
  const port = await freePort();
  try {
    run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    run('pg_ctl', [
      '-D',
      dataDir,
      '-l',
      join(dir, 'log'),
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`,
      'start',
    ]);
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`Could not start a throwaway PostgreSQL cluster: ${stderr || (error as Error).message}`);
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    pid: Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n', 1)[0]),
    async stop() {
      await new Promise<void>((resolve) => {
        const [file, argv] = asRoot
          ? ['runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), '-D', dataDir, '-m', 'immediate', 'stop']]
          : [join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', 'stop']];
        spawn(file as string, argv as string[], { stdio: 'ignore' })
          .on('exit', () => resolve())
          .on('error', () => resolve());
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
