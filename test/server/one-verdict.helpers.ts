import ExcelJS from 'exceljs';
import request from 'supertest';
import { createOfficeAdapter } from '../../addin/excel/office-adapter';
import type { ReadInputs, TemplateRef, WorkbookPort } from '../../addin/excel/port';
import { validateInputs } from '../../addin/src/controller';
import { createFakeExcel } from '../../addin/testing/fake-excel';
import type { FakeExcelHost } from '../../addin/testing/fake-excel';
import type { AgencyRegister } from '../../shared/agencies/register';
import { createRegister } from '../../shared/agencies/register';
import { compilePlan } from '../../shared/compile';
import type { CompiledPlan } from '../../shared/compile';
import { cellAddress } from '../../shared/layout/a1';
import { DOCUMENT_STATUS_CHOICES, TASK_STATUS_CHOICES } from '../../shared/layout/labels';
import { agencyTemplate } from '../../shared/layout/template';
import type { InputRef, WorkbookLayout } from '../../shared/layout/types';
import type { DocumentEntryInput, EntryInput, ProjectEntryInput, TaskEntryInput, TaskStatus } from '../../shared/schema/report';
import type { ValidationReport } from '../../shared/validate';
import { renderWorkbook } from '../../server/xlsx/render';
import { bearer } from './harness';
import type { TestServer } from './harness';

/**
 * The four ways a report reaches a verdict, driven from one description of what was typed
 * into each input cell: the task pane (the Office adapter on the fake Excel host, judged
 * with the controller's validateInputs and the server's GET …/previous), the exceljs upload
 * (POST …/xlsx), the JSON PUT and POST /api/validate. Used by test/server/one-verdict.test.ts.
 */

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** What was typed into one input cell: nothing, a number, or text (a document status is 'issued' / 'notIssued', a date an ISO day). */
export type Typed = number | string | null;

export interface ReportKey {
  planId: string;
  period: string;
  agencyId: string;
  lang: 'vi' | 'en';
}

export interface ListedInput {
  input: InputRef;
  sheet: string;
  address: string;
}

/** The compared part of a verdict: validity, counts, every finding, and per indicator the verdict, progress and category. */
export interface Verdict {
  valid: boolean;
  stats: Record<string, number>;
  findings: unknown[];
  results: Array<{ code: string; verdict: string | null; progressYear: number | null; progressPeriod: number | null; category: number | string | null }>;
}

const json = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export function compact(report: Pick<ValidationReport, 'valid' | 'stats' | 'findings' | 'results'>): Verdict {
  return json({
    valid: report.valid,
    stats: { ...report.stats },
    findings: report.findings,
    results: report.results.map((r) => ({
      code: r.code,
      verdict: r.evaluation?.year.verdict ?? null,
      progressYear: r.evaluation?.progressYear ?? null,
      progressPeriod: r.evaluation?.progressPeriod ?? null,
      category: r.evaluation?.category ?? null,
    })),
  });
}

/** A stored validation (PUT, upload, submit) in the same shape. */
export function stored(validation: { valid: boolean; stats: Record<string, number>; findings: unknown[]; results?: unknown }): Verdict {
  return json({ valid: validation.valid, stats: validation.stats, findings: validation.findings, results: (validation.results ?? []) as Verdict['results'] });
}

export function listInputs(layout: WorkbookLayout): ListedInput[] {
  const out: ListedInput[] = [];
  for (const sheet of layout.sheets) {
    sheet.grid.forEach((row, r) =>
      row.forEach((cell, c) => {
        if (cell.input) out.push({ input: cell.input, sheet: sheet.name, address: cellAddress(r, c) });
      }),
    );
  }
  return out;
}

/** The JSON body a client mirroring the template sends: every row, in the template's order, with what was typed. */
export function jsonBody(
  inputs: readonly ListedInput[],
  typed: ReadonlyMap<string, Typed>,
): { entries: EntryInput[]; documents: DocumentEntryInput[]; projects: ProjectEntryInput[]; tasks: TaskEntryInput[] } {
  const entries = new Map<string, EntryInput>();
  const documents = new Map<string, DocumentEntryInput>();
  const projects = new Map<string, ProjectEntryInput>();
  const tasks = new Map<string, TaskEntryInput>();
  for (const { input } of inputs) {
    const v = typed.get(`${input.kind}:${input.code}`) ?? null;
    if (input.kind.startsWith('task')) {
      const t = tasks.get(input.code) ?? tasks.set(input.code, { code: input.code }).get(input.code)!;
      if (v === null) continue;
      if (input.kind === 'taskStatus') t.status = v as TaskStatus;
      else if (input.kind === 'taskAccount') t.account = String(v);
      else if (input.kind === 'taskEvidence') t.evidence = String(v);
      else t.note = String(v);
    } else if (input.kind.startsWith('document')) {
      const d = documents.get(input.code) ?? documents.set(input.code, { code: input.code }).get(input.code)!;
      if (v === null) continue;
      if (input.kind === 'documentStatus') d.status = v as 'issued' | 'notIssued';
      else if (input.kind === 'documentReference') d.reference = String(v);
      else if (input.kind === 'documentDate') d.issuedOn = String(v);
      else d.note = String(v);
    } else if (input.kind.startsWith('project')) {
      const p = projects.get(input.code) ?? projects.set(input.code, { code: input.code }).get(input.code)!;
      if (v === null) continue;
      if (input.kind === 'projectDisbursed') p.disbursed = v;
      else p.note = String(v);
    } else {
      const e = entries.get(input.code) ?? entries.set(input.code, { code: input.code }).get(input.code)!;
      if (v === null) continue;
      if (input.kind === 'value') e.value = v;
      else if (input.kind === 'answer') e.answer = String(v);
      else if (input.kind === 'denominator') e.denominator = v;
      else e.note = String(v);
    }
  }
  return { entries: [...entries.values()], documents: [...documents.values()], projects: [...projects.values()], tasks: [...tasks.values()] };
}

/** Every input of the template, blanks included, for the adapter's writeInputs (so one run's values never linger into the next). */
function fullInputs(inputs: readonly ListedInput[], typed: ReadonlyMap<string, Typed>): ReadInputs {
  const body = jsonBody(inputs, typed);
  return {
    entries: body.entries.map((e) => ({ value: null, answer: null, denominator: null, note: null, ...e })),
    documents: body.documents.map((d) => ({ status: null, reference: null, issuedOn: null, note: null, ...d })),
    projects: body.projects.map((p) => ({ disbursed: null, note: null, ...p })),
    tasks: body.tasks.map((t) => ({ status: null, account: null, evidence: null, note: null, ...t })),
  };
}

/** Fake workbooks with a template inserted, per report key: they outlive a server (the template does not depend on it). */
const hosts = new Map<string, { fake: FakeExcelHost; port: WorkbookPort; ref: TemplateRef }>();

/** What the server hands the pane, read the way the controller reads it. */
export class PaneSide {
  private readonly plans = new Map<string, CompiledPlan>();
  private registerValue: AgencyRegister | null = null;
  constructor(private readonly s: TestServer, private readonly token: string) {}

  async plan(planId: string): Promise<CompiledPlan> {
    const known = this.plans.get(planId);
    if (known) return known;
    const res = await request(this.s.app).get(`/api/plans/${planId}`).set(bearer(this.token)).expect(200);
    const plan = compilePlan(res.body);
    this.plans.set(planId, plan);
    return plan;
  }

  async register(): Promise<AgencyRegister> {
    if (this.registerValue) return this.registerValue;
    const res = await request(this.s.app).get('/api/agencies').set(bearer(this.token)).expect(200);
    this.registerValue = createRegister({ city: 'all', agencies: res.body.agencies });
    return this.registerValue;
  }

  async previous(key: ReportKey): Promise<Record<string, number>> {
    const res = await request(this.s.app).get(`/api/plans/${key.planId}/periods/${key.period}/previous`).set(bearer(this.token)).expect(200);
    return res.body.values;
  }

  /** The template in a fake workbook, inserted once per report key by the add-in's adapter. */
  async host(key: ReportKey, layout: WorkbookLayout): Promise<{ fake: FakeExcelHost; port: WorkbookPort; ref: TemplateRef }> {
    const id = `${key.planId}|${key.period}|${key.agencyId}|${key.lang}`;
    const known = hosts.get(id);
    if (known) return known;
    const fake = createFakeExcel();
    const port = createOfficeAdapter(fake.Excel as unknown as typeof Excel);
    const ref = await port.insertTemplate(layout);
    const made = { fake, port, ref };
    hosts.set(id, made);
    return made;
  }

  /** Typed into the sheet, read back and judged as the task pane's check does. */
  async check(key: ReportKey, layout: WorkbookLayout, inputs: readonly ListedInput[], typed: ReadonlyMap<string, Typed>): Promise<ValidationReport> {
    return (await this.checkWithPrevious(key, layout, inputs, typed)).report;
  }

  async checkWithPrevious(key: ReportKey, layout: WorkbookLayout, inputs: readonly ListedInput[], typed: ReadonlyMap<string, Typed>): Promise<{ report: ValidationReport; previous: Record<string, number> }> {
    const [plan, register, previous] = [await this.plan(key.planId), await this.register(), await this.previous(key)];
    const { port, ref } = await this.host(key, layout);
    await port.writeInputs(ref, fullInputs(inputs, typed));
    let report: ValidationReport | null = null;
    await port.validateInPlace(ref, (read) => {
      report = validateInputs(plan, register, ref, read, previous);
      return { outputs: [], highlights: [] };
    });
    return { report: report!, previous };
  }
}

/**
 * The agency template rendered by the server's renderer and opened with exceljs once per
 * key; each run sets every input cell (blanks too) and saves the file, as a person filling
 * the downloaded template in Excel would.
 */
export class UploadSide {
  private readonly books = new Map<string, ExcelJS.Workbook>();

  async book(key: ReportKey, layout: WorkbookLayout): Promise<ExcelJS.Workbook> {
    const id = `${key.planId}|${key.period}|${key.agencyId}|${key.lang}`;
    const known = this.books.get(id);
    if (known) return known;
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await renderWorkbook(layout)) as unknown as ExcelJS.Buffer);
    this.books.set(id, book);
    return book;
  }

  async filled(key: ReportKey, layout: WorkbookLayout, inputs: readonly ListedInput[], typed: ReadonlyMap<string, Typed>): Promise<Buffer> {
    const book = await this.book(key, layout);
    for (const { input, sheet, address } of inputs) {
      const v = typed.get(`${input.kind}:${input.code}`) ?? null;
      const cell = book.getWorksheet(sheet)!.getCell(address);
      if (v === null) cell.value = null;
      else if (input.kind === 'documentStatus') cell.value = DOCUMENT_STATUS_CHOICES[key.lang][v as 'issued' | 'notIssued'];
      else if (input.kind === 'taskStatus') cell.value = TASK_STATUS_CHOICES[key.lang][v as TaskStatus];
      else if (input.kind === 'documentDate') cell.value = new Date(`${String(v)}T00:00:00Z`);
      else cell.value = v;
    }
    return Buffer.from(await book.xlsx.writeBuffer());
  }
}

export function layoutOf(plan: CompiledPlan, register: AgencyRegister, key: ReportKey): WorkbookLayout {
  return agencyTemplate(plan, register, { agencyId: key.agencyId, period: key.period, lang: key.lang });
}

export const reportUrl = (key: Pick<ReportKey, 'planId' | 'period' | 'agencyId'>) => `/api/plans/${key.planId}/periods/${key.period}/reports/${key.agencyId}`;
