import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the server finds the project's files, the same whether it runs from the sources
 * (server/*.ts with tsx) or from the build (dist/server/*.js, one bundle per entry, where
 * every module's `import.meta.url` is the bundle's).
 */

/** The nearest folder at or above `from` (a module URL or a path) that holds a package.json. */
export function projectRoot(from: string = import.meta.url): string {
  const start = from.startsWith('file:') ? fileURLToPath(from) : path.resolve(from);
  let dir = path.dirname(start);
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json at or above ${start}`);
    dir = parent;
  }
}

/**
 * The built task pane the server serves under /addin: beside the compiled server (`dist/addin`
 * for `dist/server/main.js`: `npm start`), or `addin/dist` when the sources run with tsx
 * (`npm run dev`, the tests; built there by `npm run build:addin:dev`).
 */
export function paneDir(mainUrl: string): string {
  const main = fileURLToPath(mainUrl);
  return main.endsWith('.ts') ? path.join(projectRoot(mainUrl), 'addin', 'dist') : path.join(path.dirname(main), '..', 'addin');
}
