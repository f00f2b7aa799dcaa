import { spawn, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '../test/server/child-server';
import { findPgBin } from '../test/support/pg-cluster';

/**
 * A throwaway PostgreSQL cluster for the benchmarks. Unlike the tests' cluster
 * (test/support/pg-cluster.ts: fsync off), this one keeps PostgreSQL's durable defaults
 * (fsync, synchronous_commit, full_page_writes on), so that it is measured like the embedded
 * store, which fsyncs every group. initdb in a temporary folder, postgres on 127.0.0.1 (as
 * `nobody` when we are root: initdb refuses root), stopped and removed by `stop()` or at exit.
 */
export interface BenchCluster {
  adminUrl: string;
  /** The postmaster's process id (its children are the backends). */
  pid: number;
  urlOf(database: string): string;
  query<R extends pg.QueryResultRow>(database: string, text: string, values?: unknown[]): Promise<R[]>;
  stop(): Promise<void>;
}

function clusterUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string) => Number(spawnSync('id', [flag, 'nobody'], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
}

export async function startBenchCluster(): Promise<BenchCluster> {
  const bin = findPgBin();
  if (!bin) throw new Error('PostgreSQL is not installed (scripts/setup-test-deps.sh installs it)');
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-bench-'));
  const user = clusterUser();
  if (user) chownSync(dir, user.uid, user.gid);
  const as = user ?? {};
  const dataDir = path.join(dir, 'data');
  const init = spawnSync(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale'], { ...as, encoding: 'utf8', cwd: dir });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  }
  const port = await freePort();
  const settings = ['-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`, '-c', 'max_connections=200', '-c', 'log_min_messages=warning'];
  const child = spawn(path.join(bin, 'postgres'), ['-D', dataDir, ...settings], { ...as, cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const log: string[] = [];
  child.stderr.on('data', (d: Buffer) => log.push(d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const onExit = () => {
    child.kill('SIGQUIT');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  const urlOf = (database: string) => `postgresql://postgres@127.0.0.1:${port}/${database}`;
  const query = async <R extends pg.QueryResultRow>(database: string, text: string, values: unknown[] = []): Promise<R[]> => {
    const client = new pg.Client({ connectionString: urlOf(database) });
    await client.connect();
    try {
      return (await client.query<R>(text, values)).rows;
    } finally {
      await client.end();
    }
  };
  for (let i = 0; ; i++) {
    try {
      await query('postgres', 'SELECT 1');
      break;
    } catch (err) {
      if (i > 300 || child.exitCode !== null) {
        child.kill('SIGKILL');
        throw new Error(`postgres did not start: ${String(err)} ${log.join('')}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  let stopped: Promise<void> | null = null;
  return {
    adminUrl: urlOf('postgres'),
    pid: child.pid ?? 0,
    urlOf,
    query,
    stop: () => {
      stopped ??= (async () => {
        if (child.exitCode === null) child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
        process.removeListener('exit', onExit);
        rmSync(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
