import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * shared/ is the pure engine the server and the pane both run: no I/O, nothing of Node's or the
 * browser's. What it may import is therefore only itself (relative paths that stay inside
 * shared/) and zod. Imports are read with the TypeScript scanner: static, type-only, re-exports
 * and dynamic import() alike.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const shared = path.join(root, 'shared');
const ALLOWED_PACKAGES = new Set(['zod']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return entry.endsWith('.ts') && !entry.endsWith('.d.ts') ? [full] : [];
  });
}

/** The specifiers of `source` (a file at `file`) that shared/ may not import. */
function forbiddenImports(file: string, source: string): string[] {
  const { importedFiles } = ts.preProcessFile(source, true, true);
  return importedFiles
    .map((ref) => ref.fileName)
    .filter((specifier) => {
      if (!specifier.startsWith('.')) return !ALLOWED_PACKAGES.has(specifier);
      const target = path.resolve(path.dirname(file), specifier);
      return path.relative(shared, target).startsWith('..');
    });
}

describe('shared/ is pure', () => {
  const files = sourceFiles(shared);

  it('the check finds what it must refuse: Node modules, packages, dynamic imports, paths out of shared/', () => {
    const file = path.join(shared, 'layout', 'x.ts');
    const source = [
      "import { readFileSync } from 'node:fs';",
      "import type { Request } from 'express';",
      "export { a } from '../../server/app';",
      "const later = import('fs');",
      "import { z } from 'zod';",
      "import { text } from '../i18n';",
      "import type { Cell } from './types';",
      "import register from '../agencies/hanoi.json';",
    ].join('\n');
    assert.deepEqual(forbiddenImports(file, source), ['node:fs', 'express', '../../server/app', 'fs']);
  });

  it('every module of shared/ imports only shared/ and zod', () => {
    assert.ok(files.length > 30, `found ${files.length} modules`);
    const offending = files.flatMap((file) => forbiddenImports(file, readFileSync(file, 'utf8')).map((s) => `${path.relative(root, file)}: ${s}`));
    assert.deepEqual(offending, []);
  });
});
