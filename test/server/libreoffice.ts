import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** LibreOffice for checking that rendered workbooks open and show the right numbers. */
/** RFC 4180 CSV as LibreOffice writes it. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export function findSoffice(): string | null {
  for (const candidate of ['soffice', 'libreoffice']) {
    const probe = spawnSync(candidate, ['--version'], { encoding: 'utf8', timeout: 60_000 });
    if (!probe.error && probe.status === 0) return candidate;
  }
  return null;
}


/**
 * Without soffice a check is skipped on a developer's machine, but fails in CI: the
 * test command's setup script (scripts/setup-test-deps.sh) installs LibreOffice Calc.
 */
export function requireSoffice(ctx: Mocha.Context, soffice: string | null): void {
  if (soffice) return;
  if (process.env.CI) throw new Error('soffice is not on PATH although scripts/setup-test-deps.sh ran: LibreOffice Calc is required in CI');
  console.log('      (skipped: soffice is not on PATH; scripts/setup-test-deps.sh installs LibreOffice Calc)');
  ctx.skip();
}

/** soffice --headless --convert-to with its own profile (parallel runs do not collide); seconds taken. */
export function convertWithSoffice(soffice: string, file: string, filter: string, outdir: string, profileDir: string): { seconds: number; status: number | null; stderr: string } {
  const started = Date.now();
  const run = spawnSync(soffice, [`-env:UserInstallation=${pathToFileURL(path.join(profileDir, 'profile')).href}`, '--headless', '--convert-to', filter, '--outdir', outdir, file], {
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { seconds: (Date.now() - started) / 1000, status: run.status, stderr: `${run.error ?? ''} ${run.stderr}` };
}

/** UTF-8, raw values, every sheet to its own file (LibreOffice ≥ 7.2). */
export const CSV_ALL_SHEETS = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1';
