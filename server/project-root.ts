import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The nearest directory at or above `from` that holds a package.json: the project root,
 * whether this file runs from server/ (tsx) or from a build under dist/server/.
 */
export function projectRoot(from: string = fileURLToPath(new URL('.', import.meta.url))): string {
  let dir = path.resolve(from);
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json at or above ${from}`);
    dir = parent;
  }
}
