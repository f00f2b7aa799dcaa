import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * No module of ours imports itself through others, not even for a type: a cycle makes the
 * order of evaluation matter and lets a "pure" module drag in the one that imports it.
 * Imports are read with the TypeScript scanner (value, type-only and re-exports alike) and
 * resolved like the bundler does for relative paths.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const FOLDERS = ['shared', 'server', 'addin'];
const SKIP = new Set(['node_modules', 'dist']);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (SKIP.has(entry)) continue;
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (entry.endsWith('.ts') && !entry.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** The .ts file a relative specifier names, or null for packages, JSON and other assets. */
function resolve(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), specifier);
  const candidates = [base.replace(/\.js$/, '.ts'), `${base}.ts`, path.join(base, 'index.ts')];
  return candidates.find((c) => c.endsWith('.ts') && existsSync(c) && statSync(c).isFile()) ?? null;
}

function importGraph(files: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = info.importedFiles.map((ref) => resolve(file, ref.fileName)).filter((t): t is string => t !== null);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every cycle's files, in import order (one cycle per strongly connected group is enough to name it). */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

describe('import cycles', () => {
  const files = FOLDERS.flatMap((folder) => sourceFiles(path.join(root, folder)));
  const rel = (file: string) => path.relative(root, file);

  it('the graph is read: shared/schema/plan.ts imports its enums, compile.ts the target parser', () => {
    const graph = importGraph(files);
    assert.ok(files.length > 50, `found ${files.length} modules`);
    assert.ok(graph.get(path.join(root, 'shared/schema/plan.ts'))?.includes(path.join(root, 'shared/schema/enums.ts')));
    assert.ok(graph.get(path.join(root, 'shared/compile.ts'))?.includes(path.join(root, 'shared/targets/parse.ts')));
  });

  it('finds a cycle where there is one, type-only imports included', () => {
    const a = path.join(root, 'a.ts');
    const b = path.join(root, 'b.ts');
    const c = path.join(root, 'c.ts');
    assert.deepEqual(findCycles(new Map([[a, [b]], [b, [c]], [c, [a]]])), [[a, b, c, a]]);
    assert.deepEqual(findCycles(new Map([[a, [b, c]], [b, [c]], [c, []]])), []);
    const scanned = ts.preProcessFile("import type { X } from './b';\nexport { Y } from './c';\n", true, true);
    assert.deepEqual(scanned.importedFiles.map((f) => f.fileName), ['./b', './c']);
  });

  it('no module of shared/, server/ or addin/ imports itself through others', () => {
    const cycles = findCycles(importGraph(files)).map((cycle) => cycle.map(rel).join(' → '));
    assert.deepEqual(cycles, []);
  });
});
