import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * A throwaway PostgreSQL cluster for the tests: `initdb` in a temporary folder, `postgres`
 * as a child process on 127.0.0.1 (a free port; its Unix socket in the same folder), fsync
 * off, stopped and removed at the end. initdb refuses to run as root, so under root (CI) the
 * folder is given to `nobody` and both programs run as that user (Node's spawn uid/gid).
 *
 * One cluster per mocha run, started on first use (`sharedCluster()`); each test asks for a
 * fresh database (`createDatabase()`). Test files that use it call `stopSharedClusterAfterAll()`
 * at top level, and a process 'exit' hook kills the server should mocha end another way.
 */

export interface PgCluster {
  /** postgresql://postgres@127.0.0.1:PORT/postgres */
  adminUrl: string;
  port: number;
  dir: string;
  /** A new empty database; its URL. */
  createDatabase(): Promise<string>;
  dropDatabase(url: string): Promise<void>;
  stop(): Promise<void>;
}

/** Where PostgreSQL's programs are: PG_BIN, else the newest /usr/lib/postgresql/N/bin, else PATH; null when none. */
export function findPgBin(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates: string[] = [];
  if (env.PG_BIN) candidates.push(env.PG_BIN);
  const debianRoot = '/usr/lib/postgresql';
  if (existsSync(debianRoot)) {
    const versions = readdirSync(debianRoot)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => path.join(debianRoot, v, 'bin')));
  }
  for (const dir of candidates) if (existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'postgres'))) return dir;
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  const initdb = which.stdout.trim();
  return which.status === 0 && initdb ? path.dirname(initdb) : null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** The user the cluster runs as: ourselves, or `nobody` when we are root. */
function clusterUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const id = (flag: string) => Number(spawnSync('id', [flag, 'nobody'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  const gid = id('-g');
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('running as root and there is no user "nobody" to run PostgreSQL as');
  return { uid, gid };
}

function waitReady(url: string, child: ChildProcess, log: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return (async () => {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`postgres exited (${child.exitCode ?? child.signalCode}): ${log()}`);
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
      try {
        await client.connect();
        await client.query('SELECT 1');
        await client.end();
        return;
      } catch {
        await client.end().catch(() => {});
      }
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections within ${timeoutMs} ms: ${log()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
}

/** `durable`: fsync and synchronous commit on, as in production (for measurements); off by default, for speed. */
export async function startCluster(bin: string, options: { durable?: boolean } = {}): Promise<PgCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-cluster-'));
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  const user = clusterUser();
  if (user) chownSync(dir, user.uid, user.gid);
  const as = user ? { uid: user.uid, gid: user.gid } : {};
  const init = spawnSync(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync'], { ...as, encoding: 'utf8', cwd: dir });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status ?? init.signal}): ${init.stderr || init.stdout}`);
  }
  const port = await freePort();
  const settings = ['-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`, ...(options.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']), '-c', 'max_connections=200', '-c', 'logging_collector=off', '-c', 'log_min_messages=warning'];
  const child = spawn(path.join(bin, 'postgres'), ['-D', dataDir, ...settings], { ...as, cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const log: string[] = [];
  child.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Should mocha end without the after-all hook (an uncaught error, process.exit), the server goes too.
  const onExit = () => {
    try {
      child.kill('SIGQUIT');
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  const adminUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  try {
    await waitReady(adminUrl, child, () => log.join('') + (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''));
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    process.removeListener('exit', onExit);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  let counter = 0;
  const admin = async <T>(run: (c: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return await run(client);
    } finally {
      await client.end();
    }
  };
  let stopped: Promise<void> | null = null;
  return {
    adminUrl,
    port,
    dir,
    createDatabase: async () => {
      counter += 1;
      const name = `test_${process.pid}_${counter}`;
      await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE template0`));
      return `postgresql://postgres@127.0.0.1:${port}/${name}`;
    },
    dropDatabase: async (url: string) => {
      const name = new URL(url).pathname.slice(1);
      if (!/^test_\d+_\d+$/.test(name)) throw new Error(`not a test database: ${name}`);
      await admin(async (c) => {
        // pg's Pool.end() resolves before its sockets have closed; a forced drop meanwhile
        // would send "terminating connection" to a client nobody listens to any more (an
        // uncaught error in the test). Wait for the connections to go, force only after 5 s.
        for (let waited = 0; waited < 5_000; waited += 50) {
          const open = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
          if (open.rows[0]?.n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
    },
    stop: () => {
      stopped ??= (async () => {
        // SIGINT: PostgreSQL's fast shutdown (disconnects clients, then exits).
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
        process.removeListener('exit', onExit);
        rmSync(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}

let shared: Promise<PgCluster> | null = null;

/** The run's cluster, started on first call; rejects (with why) when PostgreSQL is not installed. */
export function sharedCluster(): Promise<PgCluster> {
  shared ??= (async () => {
    const bin = findPgBin();
    if (!bin) throw new Error('PostgreSQL is not installed (no initdb in PG_BIN, /usr/lib/postgresql/*/bin or PATH); scripts/setup-test-deps.sh installs it');
    return startCluster(bin);
  })();
  return shared;
}

/** Whether the tests can start a cluster here; without one (and CI unset) the PostgreSQL tests are pending. */
export function pgAvailable(): boolean {
  return findPgBin() !== null;
}

/** Registers a root after-all hook that stops the run's cluster (call at a test file's top level). */
export function stopSharedClusterAfterAll(): void {
  after(async function () {
    this.timeout(30_000);
    if (!shared) return;
    const cluster = await shared.catch(() => null);
    shared = null;
    await cluster?.stop();
  });
}

/**
 * Whether the PostgreSQL tests run here: true when PostgreSQL is installed. Without it they
 * are left out with one line saying why, except on CI (CI=true), where that is a failure.
 */
export function requirePg(): boolean {
  if (pgAvailable()) return true;
  if (process.env.CI === 'true') throw new Error('PostgreSQL is not installed on CI; scripts/setup-test-deps.sh should have installed it');
  describe('PostgreSQL', () => {
    // Pending with its reason, like the seed checks: never silently green.
    it('needs PostgreSQL (initdb in PG_BIN, /usr/lib/postgresql/*/bin or PATH; scripts/setup-test-deps.sh installs it)', function () {
      this.skip();
    });
  });
  return false;
}
