/**
 * Where the plan texts (the "seeds") are: the catalog generators read them and the catalog
 * tests re-read them. They are not part of the repository, so one setting says where they
 * live: the environment variable SEEDS_DIR (relative to the repository root, or absolute),
 * by default `../shared/seeds` beside the repository.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SEEDS_SETTING = 'SEEDS_DIR';
export const DEFAULT_SEEDS_DIR = '../shared/seeds';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The folder holding the seed texts, from SEEDS_DIR or the default. */
export function seedsDir(env: NodeJS.ProcessEnv = process.env): string {
  const setting = env[SEEDS_SETTING]?.trim();
  return path.resolve(repoRoot, setting ? setting : DEFAULT_SEEDS_DIR);
}

/** The full path of one seed text, e.g. seedPath('hanoi-kh207-2021-program08.txt'). */
export function seedPath(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(seedsDir(env), name);
}

/** One line naming what is missing and the setting that finds it. */
export function missingSeedMessage(file: string, env: NodeJS.ProcessEnv = process.env): string {
  const setting = env[SEEDS_SETTING]?.trim();
  const how = setting
    ? `${SEEDS_SETTING}=${setting}`
    : `${SEEDS_SETTING} is not set, so the default ${DEFAULT_SEEDS_DIR} beside the repository is used`;
  return `Seed text not found: ${file} (${how}; set ${SEEDS_SETTING} to the folder that holds the plan texts)`;
}

/** CI=true (as CI services set it): a check that cannot run is a failure, not a pending test. */
export function missingSeedsFail(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI?.trim().toLowerCase() === 'true';
}

/**
 * For a mocha `before` hook: returns when every seed exists. Otherwise prints one line saying
 * what is missing and marks the suite's tests pending (`this.skip()`), or, with CI=true,
 * throws so that they fail.
 */
export function requireSeeds(context: { skip(): void }, names: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  const missing = names.map((n) => seedPath(n, env)).find((file) => !existsSync(file));
  if (missing === undefined) return;
  const message = missingSeedMessage(missing, env);
  if (missingSeedsFail(env)) throw new Error(`${message}. CI=true: the catalog cannot be checked against its source.`);
  console.log(`      pending: ${message}`);
  context.skip();
}

/**
 * A generator's seed text: the file named on its command line, else the seed beside the
 * repository. Exits 1 with the reason when it is not there (a generator has nothing to do).
 */
export function readSeedOrExit(name: string, argv: readonly string[] = process.argv): string {
  const given = argv[2];
  const file = given ? path.resolve(given) : seedPath(name);
  if (!existsSync(file)) {
    console.error(given ? `Seed text not found: ${file}` : missingSeedMessage(file));
    process.exit(1);
  }
  return readFileSync(file, 'utf8');
}

/** Writes a generated plan file as the catalog keeps it (two-space JSON, a final newline). */
export function writePlanFile(file: string, plan: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(plan, null, 2)}\n`);
}
