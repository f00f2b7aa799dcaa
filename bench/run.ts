/**
 * `npm run bench` (or `npm run bench -- --quick`, under two minutes): runs every
 * benchmark in its own process, one after the other so they do not compete for the two
 * cores, and prints their JSON lines. With `--markdown` it also prints the table for the
 * README's Performance section. Never fails on speed; exits non-zero only if a script
 * crashes.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Line } from './report';

const root = fileURLToPath(new URL('..', import.meta.url));
const quick = process.argv.includes('--quick');
const markdown = process.argv.includes('--markdown');
const SCRIPTS = ['engine.bench.ts', 'consolidation.bench.ts', 'server.bench.ts', 'stores.bench.ts', 'store-memory.bench.ts', 'excel.bench.ts'];

const lines: Line[] = [];
let failed = false;
const started = Date.now();
for (const script of SCRIPTS) {
  process.stderr.write(`bench: ${script}${quick ? ' --quick' : ''}\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', `bench/${script}`, ...(quick ? ['--quick'] : [])], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  for (const raw of run.stdout.split('\n')) {
    if (!raw.trim().startsWith('{')) continue;
    console.log(raw);
    try {
      lines.push(JSON.parse(raw) as Line);
    } catch {
      // not a measurement line
    }
  }
  if (run.status !== 0) {
    failed = true;
    process.stderr.write(`bench: ${script} exited with ${run.status}\n`);
  }
}
const cpu = /model name\s*:\s*(.+)/.exec(safeRead('/proc/cpuinfo'))?.[1] ?? os.cpus()[0]?.model ?? 'unknown CPU';
process.stderr.write(`bench: ${lines.length} measurements in ${((Date.now() - started) / 1000).toFixed(0)} s on ${os.cpus().length} × ${cpu}, Node ${process.version}\n`);

if (markdown) {
  const fmt = (n: number | null) => (n === null ? '—' : n.toLocaleString('en-US', { maximumFractionDigits: 2 }));
  console.log(`\nMachine: ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}${quick ? ' (quick run)' : ''}.\n`);
  console.log('| measurement | value | unit | baseline | ratio | budget | within |');
  console.log('| --- | ---: | --- | ---: | ---: | ---: | --- |');
  for (const l of lines) {
    console.log(`| \`${l.name}\` | ${fmt(l.value)} | ${l.unit} | ${fmt(l.baseline)} | ${fmt(l.ratio)} | ${fmt(l.budget)} | ${l.withinBudget === null ? '' : l.withinBudget ? 'yes' : '**no**'} |`);
  }
}
process.exit(failed ? 1 : 0);

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
