import { z } from 'zod';
import { PeriodId } from '../periods';

/**
 * What an agency sends: raw cell contents, exactly as typed, so that the add-in, the
 * server and an uploaded workbook all go through the same reader. Limits keep a hostile
 * body from exhausting memory; content problems become findings, not rejections.
 */
const CellValue = z.union([z.string().max(100_000), z.number(), z.null()]);
const Note = z.string().max(100_000).nullable().optional();

export const EntryInput = z
  .object({
    code: z.string().min(1).max(50),
    value: CellValue.optional(),
    /** Excel number format of the value cell ("0.0%"), when the value came from Excel. */
    numberFormat: z.string().max(200).optional(),
    /** Qualitative answer ("Đạt", "Cơ bản đạt", "Không đạt") where the year's target is qualitative. */
    answer: z.string().max(100_000).nullable().optional(),
    /** The denominator of a weighted-mean contribution (e.g. number of communes). */
    denominator: CellValue.optional(),
    note: Note,
  })
  .strict();
export type EntryInput = z.infer<typeof EntryInput>;

export const DocumentStatus = z.enum(['issued', 'notIssued']);
export const DocumentEntryInput = z
  .object({
    code: z.string().min(1).max(50),
    status: DocumentStatus.nullable().optional(),
    /** Number and date of the issued document, e.g. "Quyết định 1234/QĐ-UBND". */
    reference: z.string().max(2_000).nullable().optional(),
    issuedOn: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .nullable()
      .optional(),
    note: Note,
  })
  .strict();
export type DocumentEntryInput = z.infer<typeof DocumentEntryInput>;

export const ProjectEntryInput = z
  .object({
    code: z.string().min(1).max(50),
    /** Cumulative disbursement, million VND, as typed. */
    disbursed: CellValue.optional(),
    note: Note,
  })
  .strict();
export type ProjectEntryInput = z.infer<typeof ProjectEntryInput>;

export const ReportInput = z
  .object({
    planId: z.string().min(1).max(100),
    revision: z.number().int().min(1),
    agencyId: z.string().min(1).max(100),
    period: PeriodId,
    entries: z.array(EntryInput).max(5_000),
    documents: z.array(DocumentEntryInput).max(2_000).default([]),
    projects: z.array(ProjectEntryInput).max(2_000).default([]),
  })
  .strict();
export type ReportInput = z.infer<typeof ReportInput>;
export type ReportInputRaw = z.input<typeof ReportInput>;
