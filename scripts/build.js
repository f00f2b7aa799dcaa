// @ts-check
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

/**
 * The production build: the server and the task pane in dist/, so that `npm start` runs plain
 * `node dist/server/main.js`. Plain JavaScript on purpose: it runs after `npm ci --omit=dev`,
 * with esbuild (a production dependency) and without tsx or TypeScript.
 *
 *   dist/server/main.js, admin.js   server/main.ts and server/admin.ts, each one ES module
 *                                   bundling our code (server/ and shared/); the packages in
 *                                   node_modules stay imports (express, exceljs, lowdb, …)
 *   dist/addin/                     the task pane, by addin/build.ts's own buildAddin()
 *   dist/build-info.json            the hash of every input: `--if-stale` (npm start) builds
 *                                   only when it differs
 *
 *   node scripts/build.js [--if-stale] [--out DIR]   (DIR inside the project, so that the
 *                                                    bundles find node_modules)
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** What a complete build holds (a build missing one of them is rebuilt whatever the hash says). */
const OUTPUTS = ['server/main.js', 'server/admin.js', 'addin/taskpane.html', 'addin/taskpane.js'];
/** What the build reads: a change to any file here makes the build stale. */
const INPUTS = ['server', 'shared', 'addin', 'package.json', 'package-lock.json', 'scripts/build.js'];
/** Not inputs: build outputs and the fake Excel host (test builds only). */
const NOT_INPUTS = new Set(['node_modules', 'dist', 'testing']);
const SERVER_ENTRIES = ['main', 'admin'];
const INFO_FILE = 'build-info.json';

/** @param {string} entry @returns {string[]} every file under `entry`, relative to the root, sorted */
function inputFiles(entry) {
  const full = path.join(ROOT, entry);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [entry];
  return readdirSync(full)
    .filter((name) => !NOT_INPUTS.has(name))
    .sort()
    .flatMap((name) => inputFiles(path.join(entry, name)));
}

/** @returns {string} sha-256 over the names and contents of every input */
export function inputsHash() {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap(inputFiles)) {
    hash.update(`${file.split(path.sep).join('/')}\0`);
    hash.update(readFileSync(path.join(ROOT, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** @param {string} outDir @returns {string | null} the input hash recorded by the last build there */
function builtHash(outDir) {
  try {
    const info = JSON.parse(readFileSync(path.join(outDir, INFO_FILE), 'utf8'));
    return typeof info.inputs === 'string' ? info.inputs : null;
  } catch {
    return null;
  }
}

/** @param {string} outDir */
async function buildServer(outDir) {
  const result = await build({
    entryPoints: Object.fromEntries(SERVER_ENTRIES.map((name) => [name, path.join(ROOT, 'server', `${name}.ts`)])),
    outdir: path.join(outDir, 'server'),
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    charset: 'utf8',
    metafile: true,
    logLevel: 'silent',
  });
  return Object.entries(result.metafile.outputs)
    .filter(([file]) => file.endsWith('.js'))
    .map(([file, output]) => ({ file: path.relative(outDir, path.resolve(file)), bytes: output.bytes }));
}

/**
 * addin/build.ts is TypeScript and there is no tsx in production: esbuild bundles it (its
 * packages left as imports) into node_modules/.cache, with `import.meta.url` kept as the
 * source file's so that it finds addin/src as before, and its exported buildAddin() runs.
 * (Every module of that bundle sees addin/build.ts's location: a helper module of the pane's
 * build that finds files through import.meta must sit in addin/ too.)
 * @param {string} outDir
 */
async function buildPane(outDir) {
  const source = path.join(ROOT, 'addin', 'build.ts');
  // One file per process: two builds at once (a test and npm start) do not share it.
  const bundled = path.join(ROOT, 'node_modules', '.cache', 'an-sinh-build', `build-addin-${process.pid}.mjs`);
  await build({
    entryPoints: [source],
    outfile: bundled,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    define: {
      'import.meta.url': JSON.stringify(pathToFileURL(source).href),
      'import.meta.filename': JSON.stringify(source),
      'import.meta.dirname': JSON.stringify(path.dirname(source)),
    },
    logLevel: 'silent',
  });
  /** @type {{ buildAddin: (options: { mode: 'production'; outDir: string; log: (line: string) => void }) => Promise<{ bytes: number; gzipBytes: number }> }} */
  const addin = await import(`${pathToFileURL(bundled).href}?t=${Date.now()}`);
  await rm(bundled, { force: true });
  return addin.buildAddin({ mode: 'production', outDir: path.join(outDir, 'addin'), log: () => {} });
}

/**
 * Builds into `outDir` (default dist/) unless `ifStale` and the build there is of these inputs.
 * @param {{ outDir?: string; ifStale?: boolean; log?: (line: string) => void }} [options]
 * @returns {Promise<{ built: boolean; outDir: string; ms: number }>}
 */
export async function buildAll(options = {}) {
  const outDir = path.resolve(ROOT, options.outDir ?? 'dist');
  const log = options.log ?? ((line) => console.log(line));
  const started = Date.now();
  const inputs = inputsHash();
  const rel = path.relative(ROOT, outDir) || '.';
  if (options.ifStale && builtHash(outDir) === inputs && OUTPUTS.every((file) => existsSync(path.join(outDir, file)))) {
    log(`build: ${rel}/ is current (${Date.now() - started} ms to check)`);
    return { built: false, outDir, ms: Date.now() - started };
  }
  await rm(path.join(outDir, INFO_FILE), { force: true });
  await rm(path.join(outDir, 'server'), { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const [server, pane] = await Promise.all([buildServer(outDir), buildPane(outDir)]);
  await writeFile(path.join(outDir, INFO_FILE), `${JSON.stringify({ inputs, builtAt: new Date().toISOString() }, null, 2)}\n`);
  const ms = Date.now() - started;
  for (const { file, bytes } of server) log(`build: ${rel}/${file} ${(bytes / 1024).toFixed(1)} KB`);
  log(`build: ${rel}/addin/taskpane.js ${(pane.bytes / 1024).toFixed(1)} KB (gzipped ${(pane.gzipBytes / 1024).toFixed(1)} KB)`);
  log(`build: ${rel}/ built in ${ms} ms`);
  return { built: true, outDir, ms };
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (invokedDirectly) {
  const { values } = parseArgs({ options: { 'if-stale': { type: 'boolean', default: false }, out: { type: 'string' } } });
  buildAll({ ifStale: values['if-stale'], ...(values.out !== undefined ? { outDir: values.out } : {}) }).catch((/** @type {unknown} */ error) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  });
}
