import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The README's "## Layout" block as [path, description] pairs; an indented entry lives in the folder above it. */
function layoutEntries(readme: string): Array<{ entry: string; line: string }> {
  const section = readme.split(/^## Layout$/m)[1] ?? '';
  const block = /```\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  const entries: Array<{ entry: string; line: string }> = [];
  let parent = '';
  for (const line of block.split('\n')) {
    const match = /^( *)(\S+)\s/.exec(line + ' ');
    if (!match?.[2] || !/[/.]/.test(match[2]) || match[2].startsWith('(')) continue;
    const [, indent = '', name] = match;
    if (indent.length === 0) parent = name.endsWith('/') ? name : '';
    else if (indent.length !== 2) continue; // a continuation line of the description
    entries.push({ entry: indent.length === 0 ? name : parent + name, line: line.trim() });
  }
  return entries;
}

/** Folders git tracks directly under `dir` (what a reader must find in the layout). */
function trackedFolders(dir: string): string[] {
  const files = execFileSync('git', ['ls-files', dir], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
  const folders = new Set<string>();
  for (const file of files) {
    const rest = file.slice(dir.length).split('/');
    if (rest.length > 1 && rest[0]) folders.add(`${dir}${rest[0]}/`);
  }
  return [...folders].sort();
}

describe('README layout', () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const entries = layoutEntries(readme);

  it('names only paths that exist, each once', () => {
    assert.ok(entries.length >= 25, `the layout block lists ${entries.length} entries`);
    const seen = new Set<string>();
    for (const { entry, line } of entries) {
      assert.ok(!seen.has(entry), `${entry} is listed twice`);
      seen.add(entry);
      // dist/ is the build's output, not in git; it is described, not required.
      if (entry === 'dist/') continue;
      assert.ok(existsSync(path.join(root, entry)), `README layout names ${entry} ("${line}"), which does not exist`);
    }
  });

  it('lists every folder of the engine, the server and the add-in', () => {
    const listed = new Set(entries.map((e) => e.entry));
    const covered = (folder: string) => listed.has(folder) || [...listed].some((e) => folder.startsWith(e) && e.endsWith('/') && e.split('/').length > 2);
    for (const dir of ['shared/', 'server/', 'addin/src/', 'addin/excel/']) {
      for (const folder of trackedFolders(dir)) assert.ok(covered(folder), `${folder} is missing from the README's layout`);
    }
  });
});
