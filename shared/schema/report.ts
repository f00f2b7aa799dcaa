import { z } from 'zod';
import { PeriodId } from '../periods';

/**
 * What an agency sends: raw cell contents, exactly as typed, so that the add-in, the
 * server and an uploaded workbook all go through the same reader. Limits keep a hostile
 * body from exhausting memory; content problems become findings, not rejections.
 */
/** Excel's own limit on the text of a cell: nothing typed in a cell can be longer. */
export const CELL_TEXT_MAX = 32_767;
export const CODE_MAX = 50;
const Code = z
  .string()
  .min(1)
  .max(CODE_MAX)
  .describe(`The code as in the plan, 1-${CODE_MAX} characters; each code at most once per report (a repeated code is 422 duplicate-codes)`);
const CellValue = z
  .union([z.string().max(CELL_TEXT_MAX), z.number(), z.null()])
  .describe(`As typed: a number, a text of at most ${CELL_TEXT_MAX.toLocaleString('en')} characters (Excel's cell limit), or null`);
const Note = z
  .string()
  .max(CELL_TEXT_MAX)
  .nullable()
  .optional()
  .describe(`At most ${CELL_TEXT_MAX.toLocaleString('en')} characters (Excel's cell limit)`);
const entriesOf = <T extends z.ZodType>(item: T, max: number) => z.array(item).max(max).describe(`At most ${max.toLocaleString('en')} items`);
export const ENTRIES_MAX = 5_000;
export const DOCUMENTS_MAX = 2_000;
export const PROJECTS_MAX = 2_000;

export const EntryInput = z
  .object({
    code: Code,
    value: CellValue.optional(),
    /** Excel number format of the value cell ("0.0%"), when the value came from Excel. */
    numberFormat: z.string().max(200).optional().describe('At most 200 characters'),
    /** Qualitative answer ("Đạt", "Cơ bản đạt", "Không đạt") where the year's target is qualitative. */
    answer: z
      .string()
      .max(CELL_TEXT_MAX)
      .nullable()
      .optional()
      .describe(`At most ${CELL_TEXT_MAX.toLocaleString('en')} characters (Excel's cell limit)`),
    /** The denominator of a weighted-mean contribution (e.g. number of communes). */
    denominator: CellValue.optional(),
    note: Note,
  })
  .strict();
export type EntryInput = z.infer<typeof EntryInput>;

export const DocumentStatus = z.enum(['issued', 'notIssued']);
export const DocumentEntryInput = z
  .object({
    code: Code,
    status: DocumentStatus.nullable().optional(),
    /** Number and date of the issued document, e.g. "Quyết định 1234/QĐ-UBND". */
    reference: z.string().max(2_000).nullable().optional().describe('At most 2,000 characters'),
    issuedOn: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .nullable()
      .optional()
      .describe('YYYY-MM-DD'),
    note: Note,
  })
  .strict();
export type DocumentEntryInput = z.infer<typeof DocumentEntryInput>;

export const ProjectEntryInput = z
  .object({
    code: Code,
    /** Cumulative disbursement, million VND, as typed. */
    disbursed: CellValue.optional(),
    note: Note,
  })
  .strict();
export type ProjectEntryInput = z.infer<typeof ProjectEntryInput>;

export const TASKS_MAX = 2_000;
export const TaskStatus = z
  .enum(['completed', 'inProgress', 'notStarted', 'notYetDue'])
  .describe('Hoàn thành / Đang thực hiện / Chưa thực hiện / Chưa đến hạn');
export type TaskStatus = z.infer<typeof TaskStatus>;
export const TaskEntryInput = z
  .object({
    code: Code,
    status: TaskStatus.nullable().optional(),
    /** A short account of what was done, or why not. */
    account: Note,
    /** Document numbers and dates as typed, e.g. "Kế hoạch 45/KH-SLĐTBXH ngày 12/3/2022; Báo cáo 120/BC-SLĐTBXH ngày 10/12/2022". */
    evidence: Note,
    note: Note,
  })
  .strict();
export type TaskEntryInput = z.infer<typeof TaskEntryInput>;

export const ReportInput = z
  .object({
    planId: z.string().min(1).max(100).describe('1-100 characters'),
    revision: z.number().int().min(1),
    agencyId: z.string().min(1).max(100).describe('1-100 characters'),
    period: PeriodId,
    entries: entriesOf(EntryInput, ENTRIES_MAX),
    documents: entriesOf(DocumentEntryInput, DOCUMENTS_MAX).default([]),
    projects: entriesOf(ProjectEntryInput, PROJECTS_MAX).default([]),
    tasks: entriesOf(TaskEntryInput, TASKS_MAX).default([]),
  })
  .strict();
export type ReportInput = z.infer<typeof ReportInput>;
export type ReportInputRaw = z.input<typeof ReportInput>;
