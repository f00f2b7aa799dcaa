/**
 * The one catalogue of codes (shared/catalogue/): the README's list is generated from it,
 * every code the sources produce is in it and every code in it is produced, and each
 * producer gives the parameters its templates need (checked on the findings a broad corpus
 * of reports, cells, CSV files and uploads produces).
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { parseCommuneCsv } from '../../shared/agencies/communes-csv';
import { API_ANSWERS, API_ERRORS, COMMUNE_FINDINGS, FINDINGS, READING_FINDINGS, TASK_FINDINGS, TASK_READING_FINDINGS, UPLOAD_ANSWER_PREFIX, UPLOAD_FAILURES, apiCodeOf, catalogueEntries, entryOf, missingPlaceholders, placeholders, render } from '../../shared/catalogue';
import type { CatalogueKind, Params } from '../../shared/catalogue';
import { catalogueSectionOf, catalogueTable } from '../../shared/catalogue/readme';
import { ANSWER_LABELS } from '../../shared/entries';
import { findingEntry } from '../../shared/findings';
import type { Finding } from '../../shared/findings';
import { mapInputs, strayRowFindings } from '../../shared/layout/inputs';
import { METADATA_SHEET, TEMPLATE_FORMAT } from '../../shared/layout/template';
import { validateReport } from '../../shared/validate';
import { readTemplateUpload } from '../../server/xlsx/read';
import { seededRandom } from '../../bench/random';
import { compilePlan } from '../../shared/compile';
import { fixturePath, plan, planFile, register, repoRoot, taskPlan } from '../fixtures/hanoi';
import { checkPlan, checkPlanText } from '../../shared/plan-check';
import { EXISTING, NOT_JSON, brokenPlans } from './plan-check-corpus';

/** What a producer made: the entry it was rendered from, with its params and variant. */
interface Produced {
  kind: CatalogueKind;
  code: string;
  variant?: string;
  params: Params;
}

const VALUES: unknown[] = [
  '', null, 0, -1, -6, 1.5, 12, 85.5, 89, 93, 97.5, 99, 101, 150, 1036609, 1e16, Number.NaN, '85,5', '1.234', '1,234', '12,3%', '0,9%', '85 người', '24.000 kg', '5 (ước)',
  '12 abc', '=SUM(A1)', '+1+1', '-', '1e3', '85 - 90', 'abc', 'Đạt', 'Cơ bản đạt (0,15%)', 'đạt lắm', '1'.repeat(60), '-'.repeat(600), '9'.repeat(600), '1.2.3', '2,5 tỷ', '1,234 triệu', true,
];

/** Reports of both plans with values of every kind, in every period: the engine's findings. */
function engineFindings(): Finding[] {
  const random = seededRandom(7);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const out: Finding[] = [];
  // Plan 207 once more with bounds of its own: percentages up to 120, other figures from -5 to 120.
  const bounded = planFile('hn-kh207-2021');
  for (const indicator of bounded.indicators) {
    // A wide tolerance, so near misses are judged within it.
    Object.assign(indicator, { tolerance: { relative: 0.5 } });
    if (indicator.valueType === 'percent') Object.assign(indicator, { maxValue: 120 });
    else if (indicator.valueType !== 'qualitative') Object.assign(indicator, { min: -5, max: 120 });
  }
  // Targets the consolidator judges by hand, in 2023 for the first reportable figures.
  for (const indicator of bounded.indicators.filter((i) => i.reportable !== false && i.valueType !== 'qualitative').slice(0, 5)) {
    indicator.targets = { ...indicator.targets, '2023': { text: 'Theo lộ trình của Trung ương', judgedByHand: true } };
  }
  const compiled = compilePlan(bounded);
  // A target that cannot be read and is not marked judged by hand: compilePlan refuses it, the engine still says so.
  for (const indicator of [...compiled.indicators.values()].filter((i) => i.valueType !== 'qualitative').slice(0, 5)) {
    indicator.targets['2022'] = { text: 'Theo lộ trình', target: { kind: 'unparsed', text: 'Theo lộ trình', reason: 'no figure' } };
  }
  for (const p of [plan('hn-kh207-2021'), plan('hn-kh181-2024'), compiled]) {
    const codes = [...p.indicators.keys()];
    for (let round = 0; round < 40; round++) {
      const entries: unknown[] = codes.map((code) => ({ code, value: pick(VALUES), answer: random() < 0.3 ? pick(VALUES) : undefined, note: pick(['', '', 'giải thích', '=x', 'n'.repeat(2_100)]), denominator: random() < 0.3 ? pick(VALUES) : undefined }));
      entries.push({ code: 'không-có' }, null, { code: codes[3] });
      const previous = Object.fromEntries(codes.filter(() => random() < 0.5).map((c) => [c, pick([0, 1, 5, 50, 85, 1_000, 0.1])]));
      const documents = [...p.documents.keys(), 'không-có'].map((code) => ({ code, status: pick(['issued', 'notIssued', undefined]), reference: pick(['', 'QĐ 12', undefined]), issuedOn: pick(['2020-01-01', '2029-12-31', undefined]) }));
      const projects = [...p.projects.keys(), 'không-có'].map((code) => ({ code, disbursed: pick(VALUES) }));
      const input = { agencyId: pick(['hn-syt', 'hn-sldtbxh', 'hn-q-hoan-kiem']), period: pick(['2021', '2022', '2023', '2023-6M', '2024-9M', '2025', '2030', '2019', '2023-3M', 'abc']), entries, documents, projects, previous };
      out.push(...validateReport(p, input as never, { register: register() }).findings);
    }
  }
  out.push(...taskFindings(pick));
  return out;
}

/** Task entries of every kind on the task plan (test/fixtures/task-plan.json), from both its leads and a coordinator. */
function taskFindings(pick: <T>(list: readonly T[]) => T): Finding[] {
  const p = taskPlan();
  const codes = [...p.plan.tasks.map((t) => t.code), 'không-có'];
  const out: Finding[] = [];
  for (let round = 0; round < 40; round++) {
    const tasks: unknown[] = codes.map((code) => ({
      code,
      status: pick(['completed', 'inProgress', 'notStarted', 'notYetDue', 'Hoàn thành', 'Chưa đến hạn', 'xong', '', undefined]),
      account: pick(['', 'Chờ hướng dẫn', undefined]),
      evidence: pick(['', 'Kế hoạch 45/KH-SYT ngày 12/3/2026', 'Báo cáo 1/BC-SYT ngày 31/2/2026', undefined]),
    }));
    tasks.push(null, { code: codes[0] });
    const input = { agencyId: pick(['hn-syt', 'hn-snv', 'hn-sgddt']), period: pick(['2026', '2026-6M', '2027']), entries: [], tasks };
    out.push(...validateReport(p, input as never, { register: register() }).findings);
  }
  return out;
}

/** Cells of every input kind holding what a workbook can hold, and rows typed outside the template. */
function readingFindings(): Finding[] {
  const values: unknown[] = [5, new Date(Date.UTC(2023, 5, 14)), true, { formula: 'A1*2', result: 7.5 }, { formula: 'A1' }, '#DIV/0!', { weird: 1 }, 'lung tung', '31/02/2023', 'r'.repeat(2_100)];
  const kinds = ['value', 'denominator', 'note', 'documentStatus', 'documentReference', 'documentDate', 'projectDisbursed', 'taskStatus', 'taskEvidence'] as const;
  const cells = kinds.flatMap((kind) => values.map((value, i) => ({ kind, code: String(i), cell: { value, where: `Chỉ tiêu!H${i + 9}` } })));
  const out = mapInputs([...cells, { kind: 'value', code: '18', cell: null, expected: 'Chỉ tiêu!H20' }, { kind: 'note', code: '19', cell: null }]).findings;
  out.push(...strayRowFindings('Chỉ tiêu', [{ row: 2, col: 7 }], 40, (r, c) => (c === 7 && r > 3 ? r : c === 0 && r % 2 ? `mã${r}` : null)));
  return out;
}

/** A workbook that says it is our template, of an older version, with a moved row, a merged input and a foreign sheet. */
async function oddTemplate(): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Chỉ tiêu');
  sheet.getCell('A9').value = '11';
  sheet.getCell('A12').value = '12';
  sheet.getCell('H12').value = 5;
  sheet.mergeCells('H13:H14');
  book.addWorksheet('Nháp').getCell('A1').value = 'số liệu nháp';
  const meta = book.addWorksheet(METADATA_SHEET);
  meta.addRows([['format', TEMPLATE_FORMAT], ['formatVersion', '0'], ['sheets', 'indicators=Chỉ tiêu'], ['inputs'], ['asr.value.12', 'value:12', 'indicators', 'H10'], ['asr.value.13', 'value:13', 'indicators', 'H14']]);
  sheet.getCell('A14').value = '13';
  return Buffer.from(await book.xlsx.writeBuffer());
}

let corpus: Produced[] | undefined;
async function produced(): Promise<Produced[]> {
  if (corpus) return corpus;
  const out: Produced[] = [];
  for (const f of [...engineFindings(), ...readingFindings()]) out.push({ kind: findingEntry(f.code).kind, code: f.code, variant: f.variant, params: f.params ?? {} });
  const upload = await readTemplateUpload(await oddTemplate());
  assert.ok(upload.ok, 'the odd template is read');
  for (const f of upload.findings) out.push({ kind: findingEntry(f.code).kind, code: f.code, variant: f.variant, params: f.params ?? {} });
  const csvs = [readFileSync(fixturePath('communes-bad.csv'), 'utf8'), '', 'name,type,name,xyz\nA,xã', 'foo,type\nA,xã', 'name;type\n"Phường A;phường\n', 'name,type,validFrom,id\nPhường A,phường,2025-13-01,BAD\nPhường B,xã,,hn-syt\nXã,xã,,\n,,,,,x\nXã C,,,\nXã D,xã\u0001,,\n' + `${'a'.repeat(600)},xã,,\n`, 'name,type,predecessors\nXã D,xã,Hoàn Kiếm\n' + `Xã ${'b'.repeat(450)},xã,\n`, `name,type\n${'Xã A,xã\n'.repeat(5_002)}`];
  const communes = [...csvs.map((csv) => parseCommuneCsv(csv, { city: 'hanoi', idPrefix: 'hn', register: register() })), parseCommuneCsv('x', { city: '', idPrefix: 'BAD' }), parseCommuneCsv(5 as never, { city: 'hanoi', idPrefix: 'hn' }), parseCommuneCsv('a'.repeat(2_000_001), { city: 'hanoi', idPrefix: 'hn' })];
  for (const r of communes) for (const f of r.findings) out.push({ kind: 'communes', code: f.code, variant: f.variant, params: f.params });
  const checks = [...brokenPlans().map(({ plan: p }) => checkPlan(p, { register: register(), existingRevision: EXISTING })), checkPlanText(NOT_JSON, { register: register() })];
  for (const c of checks) for (const p of c.problems) out.push({ kind: 'plan', code: p.code, variant: p.variant, params: p.params });
  corpus = out;
  return out;
}

/** The .ts sources of the product (not the tests, not the catalogue itself); by default all of them, else those under `dirs`. */
function sources(dirs: readonly string[] = ['shared', 'server', 'addin/src', 'addin/excel']): Array<{ file: string; text: string }> {
  const out: Array<{ file: string; text: string }> = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (name === 'node_modules' || full.includes(`shared${path.sep}catalogue`)) continue;
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.ts')) out.push({ file: path.relative(repoRoot, full), text: readFileSync(full, 'utf8') });
    }
  };
  for (const dir of dirs) walk(path.join(repoRoot, dir));
  return out;
}

const ENGINE_KINDS: readonly CatalogueKind[] = ['finding', 'reading'];

/** The text of a call, from its opening parenthesis at `open` to the one that closes it. */
function callAt(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return text.slice(open, i + 1);
  }
  throw new Error('unbalanced call');
}

/** apiError('code', …), or apiError(chosen ?? 'code', …) with a default code. */
const API_CALL = /\bapiError\(\s*(?:[\w.]+\s*\?\?\s*)?'([a-z][a-z-]*)'/g;
/**
 * Where the server (and the lifecycle it runs) makes an API error: apiError('code'), a
 * lifecycle step's refusal (otherwise: 'code', answered by refusalError) and a route's query
 * error (error: 'code', answered by the route registration).
 */
const API_PRODUCERS: readonly RegExp[] = [API_CALL, /\botherwise:\s*'([a-z][a-z-]*)'/g, /\berror:\s*'([a-z][a-z-]*)'/g];
/** Where the API answers an upload refusal with its upload-<code>. */
const UPLOAD_ANSWERED = /apiError\(`upload-\$\{reading\.code\}`/;

describe('the catalogue of codes', () => {
  const entries = catalogueEntries();

  it("the README's list of codes is the catalogue's (npm run catalogue)", () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    assert.equal(catalogueSectionOf(readme), catalogueTable(entries), 'README.md is stale: run npm run catalogue');
  });

  it('has one entry per code and kind, each with a bilingual title and message, and variants that change something', () => {
    const seen = new Set<string>();
    for (const e of entries) {
      const key = `${e.kind}:${e.code}`;
      assert.ok(!seen.has(key), `${key} twice`);
      seen.add(key);
      for (const t of [e.title, e.message, ...(e.hint ? [e.hint] : [])]) assert.ok(t.vi.trim() && t.en.trim(), `${key}: empty text`);
      // A placeholder is the same in both languages: the params do not depend on the language.
      for (const t of [e.message, ...(e.hint ? [e.hint] : [])]) assert.deepEqual(new Set(placeholders(t.vi)), new Set(placeholders(t.en)), `${key}: placeholders differ between vi and en`);
      for (const [name, v] of Object.entries(e.variants ?? {})) assert.ok(v.message !== undefined || v.hint !== undefined || v.severity !== undefined, `${key} variant ${name} changes nothing`);
      if (ENGINE_KINDS.includes(e.kind)) assert.ok(e.severity && e.hint, `${key}: a finding needs a severity and a hint`);
      if (e.kind === 'upload') assert.ok(e.status === 413 || e.status === 422, `${key}: status ${e.status}`);
      if (e.kind === 'api') assert.ok(e.status !== undefined && e.status >= 400 && e.status < 600 && !e.severity && !e.hint, `${key}: an API error has a 4xx or 5xx status, no severity, no hint`);
      if (e.kind !== 'api' && e.kind !== 'upload') assert.equal(e.status, undefined, `${key}: only what the API answers with has a status`);
    }
    // The API answers its own codes and each upload refusal as upload-<code>, from that very entry: none is written twice.
    assert.equal(Object.keys(API_ANSWERS).length, Object.keys(API_ERRORS).length + Object.keys(UPLOAD_FAILURES).length, 'an upload-<code> collides with an api code');
    for (const [code, answer] of Object.entries(API_ANSWERS)) {
      assert.equal(apiCodeOf(answer), code);
      assert.equal(answer.kind === 'upload' ? UPLOAD_FAILURES[code.slice(UPLOAD_ANSWER_PREFIX.length) as keyof typeof UPLOAD_FAILURES].message : entryOf('api', code)?.message, answer.message, code);
    }
    // A Finding's code is one of both vocabularies: none may be in both.
    assert.deepEqual(Object.keys({ ...FINDINGS, ...TASK_FINDINGS }).filter((c) => Object.hasOwn({ ...READING_FINDINGS, ...TASK_READING_FINDINGS }, c)), []);
    // The task codes are their own, in neither of the other files.
    assert.deepEqual(Object.keys({ ...TASK_FINDINGS, ...TASK_READING_FINDINGS }).filter((c) => Object.hasOwn(FINDINGS, c) || Object.hasOwn(READING_FINDINGS, c)), []);
    assert.deepEqual(
      [{ ...FINDINGS, ...TASK_FINDINGS }, { ...READING_FINDINGS, ...TASK_READING_FINDINGS }, UPLOAD_FAILURES, COMMUNE_FINDINGS, API_ERRORS].map((m) => Object.keys(m).length),
      (['finding', 'reading', 'upload', 'communes', 'api'] as const).map((kind) => entries.filter((e) => e.kind === kind).length),
    );
  });

  it('names the allowed answers as the engine reads them', () => {
    const allowed = (lang: 'vi' | 'en') => `${ANSWER_LABELS.achieved[lang]} / ${ANSWER_LABELS.basicallyAchieved[lang]} / ${ANSWER_LABELS.notAchieved[lang]}`;
    assert.equal(FINDINGS['answer-required'].hint!.vi, `Chọn một trong: ${allowed('vi')}`);
    assert.equal(FINDINGS['answer-required'].hint!.en, `Choose one of: ${allowed('en')}`);
  });

  it('every code a source produces is catalogued, and no source writes a finding by hand', () => {
    const producers: Array<[RegExp, CatalogueKind[]]> = [
      [/\bfinding\(\s*'([a-z][a-z-]*)'/g, ['finding', 'reading']],
      [/\bcellFinding\(\s*[^,()]+,\s*[^,()]+,\s*'([a-z][a-z-]*)'/g, ['reading']],
      [/\bfail\(\s*'([a-z][a-z-]*)'/g, ['upload']],
      [/\bfail\(\s*[^,()]+,\s*'([a-z][a-z-]*)'/g, ['communes']],
      [/\bbad\(\s*'([a-z][a-z-]*)'/g, ['communes']],
      [/\bcommuneFinding\(\s*[^,()]+,\s*'([a-z][a-z-]*)'/g, ['communes']],
      [/\bproblem\(\s*'([a-z][a-z-]*)'/g, ['plan']],
      // The pane and the server looking at a finding's code.
      [/\bf\.code\s*===\s*'([a-z][a-z-]*)'/g, ['finding', 'reading']],
    ];
    const found: string[] = [];
    for (const { file, text } of sources()) {
      for (const [pattern, kinds] of producers) {
        for (const m of text.matchAll(pattern)) {
          found.push(m[1]!);
          assert.ok(kinds.some((k) => entryOf(k, m[1]!)), `${file}: "${m[1]}" is not in the catalogue (${kinds.join(' or ')})`);
        }
      }
      assert.doesNotMatch(text, /\bcode:\s*'[a-z-]+',\s*severity:/, `${file} builds a finding by hand: use finding(code, params, where)`);
    }
    assert.ok(found.length > 80, `the scan found the producers (${found.length} uses)`);
    const apiMade: string[] = [];
    for (const { file, text } of sources(['server', 'shared'])) {
      if (file !== path.join('server', 'errors.ts')) assert.doesNotMatch(text, /\bnew ApiError\(/, `${file} makes an ApiError by hand: use apiError(code)`);
      for (const pattern of API_PRODUCERS) {
        for (const m of text.matchAll(pattern)) {
          apiMade.push(m[1]!);
          assert.ok(entryOf('api', m[1]!), `${file}: API error "${m[1]}" is not in the catalogue`);
        }
      }
    }
    assert.ok(apiMade.length > 40, `the scan found the API's producers (${apiMade.length} uses)`);
  });

  it('every catalogued code, and each of its variants, is produced by the sources', async () => {
    const all = await produced();
    const made = new Set(all.map((p) => `${p.kind}:${p.code}:${p.variant ?? ''}`));
    const server = sources(['server', 'shared']).map((s) => s.text).join('\n');
    const apiMade = new Set(API_PRODUCERS.flatMap((pattern) => [...server.matchAll(pattern)].map((m) => m[1]!)));
    // The reader's refusals reach clients only through this answer.
    assert.match(server, UPLOAD_ANSWERED, 'the API does not answer the upload refusals');
    for (const e of entries) {
      if (e.kind === 'upload') {
        assert.match(server, new RegExp(`\\bfail\\('${e.code}'`), `upload ${e.code} is never produced`);
        continue;
      }
      // The plan importer's codes are produced by its own test's corpus (test/shared/plan-import.test.ts).
      if (e.kind === 'plan-import') continue;
      if (e.kind === 'api') {
        assert.ok(apiMade.has(e.code), `api ${e.code} is catalogued but the server never answers with it`);
        continue;
      }
      for (const variant of ['', ...Object.keys(e.variants ?? {})]) assert.ok(made.has(`${e.kind}:${e.code}:${variant}`), `${e.kind} ${e.code}${variant ? ` (${variant})` : ''} is catalogued but never produced`);
    }
  });

  it("each producer gives the parameters its template needs (the corpus's findings)", async () => {
    const all = await produced();
    assert.ok(all.length > 1_000, `a broad corpus (${all.length} findings)`);
    for (const p of all) {
      const entry = entryOf(p.kind, p.code);
      assert.ok(entry, `${p.kind} ${p.code} is catalogued`);
      assert.deepEqual(missingPlaceholders(entry, p.params, p.variant), [], `${p.kind} ${p.code}${p.variant ? ` (${p.variant})` : ''}: ${JSON.stringify(p.params).slice(0, 200)}`);
    }
  });

  it('each apiError call gives the parameters its template needs (or the finding it answers in the words of)', () => {
    let calls = 0;
    for (const { file, text } of sources(['server'])) {
      for (const m of text.matchAll(API_CALL)) {
        const entry = entryOf('api', m[1]!);
        assert.ok(entry, `${file}: ${m[1]}`);
        const call = callAt(text, m.index + m[0].indexOf('('));
        calls++;
        if (/\bfinding:/.test(call)) continue;
        const names = placeholders(`${entry.message.vi} ${entry.message.en}`);
        for (const name of names) assert.match(call, new RegExp(`\\bparams:[^]*\\b${name}\\b`), `${file}: apiError('${m[1]}') without the parameter "${name}": ${call}`);
      }
    }
    assert.ok(calls > 30, `the scan found the calls (${calls})`);
  });

  it('renders upload refusals with and without a measured detail', () => {
    assert.equal(render(UPLOAD_FAILURES['too-large'], {}).message.en, 'The file is too large. Send the template from the system, without pictures or other data.');
    assert.equal(render(UPLOAD_FAILURES['too-large'], { detail: '6.0 MB > 5.0 MB' }).message.vi, 'Tệp quá lớn (6.0 MB > 5.0 MB). Hãy gửi mẫu biểu tải từ hệ thống, không chèn ảnh hay dữ liệu khác.');
    assert.deepEqual(missingPlaceholders(UPLOAD_FAILURES['unsafe-zip'], {}), []);
  });
});
