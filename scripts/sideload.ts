/**
 * `npm run sideload` — loads the add-in into desktop Excel for development.
 *
 *   npm run sideload              # office-addin-debugging start manifest/manifest.xml desktop --app excel
 *   npm run sideload -- stop      # office-addin-debugging stop manifest/manifest.xml
 *   npm run sideload -- --dry-run # print what would run, run nothing
 *   BASE_URL=https://host npm run sideload   # a manifest for another server (written to a temp dir)
 *
 * It uses the office-addin-debugging package when it is installed (on a Windows or Mac
 * developer machine: `npm i -D office-addin-debugging`; it is not a project dependency because
 * its native keytar module cannot be built on the Linux CI machines) and
 * the platform is Windows or macOS; otherwise it prints the manual steps (shared-folder
 * catalog, the Mac wef folder, Upload My Add-in on the web, centralized deployment).
 * The server must already answer over HTTPS at the base URL: `npm run start:https`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildManifest, DEFAULT_BASE_URL, MANIFEST_PATH, normalizeBaseUrl } from './build-manifest';

export const DEBUGGING_PACKAGE = 'office-addin-debugging';

/** The path of office-addin-debugging's CLI script, or null when the package is not installed. */
export function findDebuggingCli(from: string = import.meta.url): string | null {
  const require = createRequire(from);
  let pkgPath: string;
  try {
    pkgPath = require.resolve(`${DEBUGGING_PACKAGE}/package.json`);
  } catch {
    return null;
  }
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { bin?: string | Record<string, string> };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.[DEBUGGING_PACKAGE];
  if (!bin) return null;
  const cli = path.join(path.dirname(pkgPath), bin);
  return existsSync(cli) ? cli : null;
}

/**
 * The manifest file for a base URL, written if missing or stale: manifest/manifest.xml
 * for the default base URL, a file in the temp directory for any other.
 */
export function ensureManifest(baseUrl: string): string {
  const { base } = normalizeBaseUrl(baseUrl);
  const xml = buildManifest(base);
  const file = base === DEFAULT_BASE_URL ? MANIFEST_PATH : path.join(os.tmpdir(), 'an-sinh-addin', 'manifest.xml');
  mkdirSync(path.dirname(file), { recursive: true });
  if (!existsSync(file) || readFileSync(file, 'utf8') !== xml) writeFileSync(file, xml);
  return file;
}

/** The steps to sideload or deploy by hand. */
export function manualSteps(manifestFile: string, baseUrl: string): string {
  const { base } = normalizeBaseUrl(baseUrl);
  return [
    `Manifest: ${manifestFile}`,
    `Server:   must answer over HTTPS with a certificate Office trusts at ${base}/addin/taskpane.html`,
    `          (locally: npm run start:https, which uses office-addin-dev-certs).`,
    '',
    'Windows, Excel desktop (shared-folder catalog):',
    '  1. Put manifest.xml in a folder and share it (folder Properties > Sharing); note its \\\\computer\\share path.',
    '  2. Excel: File > Options > Trust Center > Trust Center Settings > Trusted Add-in Catalogs:',
    '     add the share path as Catalog Url, tick "Show in Menu", OK, then restart Excel.',
    '  3. Home > Add-ins > More Add-ins (older builds: Insert > My Add-ins) > SHARED FOLDER > An sinh > Add.',
    '  Or install the helper: npm i -D office-addin-debugging, then npm run sideload.',
    '',
    'Mac, Excel desktop:',
    '  1. mkdir -p ~/Library/Containers/com.microsoft.Excel/Data/Documents/wef',
    `  2. cp "${manifestFile}" ~/Library/Containers/com.microsoft.Excel/Data/Documents/wef/`,
    '  3. Restart Excel, open a workbook: Home > Add-ins (or Insert > My Add-ins) > Developer Add-ins > An sinh.',
    '',
    'Excel on the web:',
    '  Open a workbook, Insert > Add-ins (or Home > Add-ins) > More Add-ins > My Add-ins >',
    '  Upload My Add-in, choose manifest.xml, Upload.',
    '',
    'Whole organisation (centralized deployment):',
    '  Microsoft 365 admin center > Settings > Integrated apps > Upload custom apps >',
    '  Office Add-in > upload manifest.xml built for the production BASE_URL; assign users or groups.',
  ].join('\n');
}

/** Whether something accepts TCP connections on the base URL's host and port. */
function isListening(baseUrl: string, timeoutMs = 1500): Promise<boolean> {
  const url = new URL(normalizeBaseUrl(baseUrl).base);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 443);
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const dryRun = args.includes('--dry-run');
  const command = args.find((a) => !a.startsWith('-')) ?? 'start';
  if (command !== 'start' && command !== 'stop') {
    console.error(`usage: npm run sideload [-- start|stop] [--dry-run]  (got ${JSON.stringify(command)})`);
    return 2;
  }
  const baseUrl = process.env.BASE_URL || DEFAULT_BASE_URL;
  const manifestFile = ensureManifest(baseUrl);
  const shown = path.relative(process.cwd(), manifestFile).startsWith('..') ? manifestFile : path.relative(process.cwd(), manifestFile);
  const cli = findDebuggingCli();
  const desktop = process.platform === 'win32' || process.platform === 'darwin';
  if (!cli || !desktop) {
    console.log(
      !cli
        ? `${DEBUGGING_PACKAGE} is not installed, so the add-in cannot be sideloaded automatically. Steps by hand:\n`
        : `Desktop Excel sideloading needs Windows or macOS (this is ${process.platform}). Steps by hand:\n`,
    );
    console.log(manualSteps(shown, baseUrl));
    return 0;
  }
  const cliArgs = command === 'start' ? ['start', shown, 'desktop', '--app', 'excel'] : ['stop', shown];
  console.log(`${dryRun ? 'would run' : 'running'}: ${DEBUGGING_PACKAGE} ${cliArgs.join(' ')}`);
  if (dryRun) return 0;
  if (command === 'start' && !(await isListening(baseUrl))) {
    console.warn(`warning: nothing answers at ${normalizeBaseUrl(baseUrl).base} yet; start the server (npm run start:https) or Excel shows an error in the task pane.`);
  }
  const result = spawnSync(process.execPath, [cli, ...cliArgs], { stdio: 'inherit' });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
