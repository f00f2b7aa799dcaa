import { API_ERRORS } from './api-errors';
import { COMMUNE_FINDINGS } from './communes';
import { FINDINGS, READING_FINDINGS } from './findings';
import { PLAN_CHECK_PROBLEMS } from './plan-check';
import { PLAN_IMPORT_FINDINGS } from './plan-import';
import { render } from './render';
import { TASK_FINDINGS, TASK_READING_FINDINGS } from './tasks';
import type { CatalogueEntry, CatalogueKind, Params } from './types';
import { UPLOAD_FAILURES } from './upload';
import type { Text } from '../i18n';

export type { CatalogueEntry, CatalogueKind, CatalogueVariant, Lang, ParamValue, Params } from './types';
export { missingPlaceholders, placeholders, render, templatesOf } from './render';
export { FINDINGS, READING_FINDINGS } from './findings';
export type { EngineFindingCode, ReadingFindingCode } from './findings';
export { TASK_FINDINGS, TASK_READING_FINDINGS } from './tasks';
export type { TaskFindingCode, TaskReadingFindingCode } from './tasks';
export { UPLOAD_FAILURES } from './upload';
export type { UploadFailureCode } from './upload';
export { COMMUNE_FINDINGS } from './communes';
export { PLAN_CHECK_PROBLEMS } from './plan-check';
export type { PlanCheckCode } from './plan-check';
export type { CommuneCsvFindingCode } from './communes';
export { PLAN_IMPORT_FINDINGS } from './plan-import';
export type { PlanImportFindingCode } from './plan-import';
export { API_ANSWERS, API_ERRORS, UPLOAD_ANSWER_PREFIX, apiCodeOf } from './api-errors';
export type { ApiAnswer, ApiErrorCode, UploadAnswerCode } from './api-errors';

/** The vocabularies, in the order the README lists them. */
export const CATALOGUE_KINDS: readonly CatalogueKind[] = ['finding', 'reading', 'upload', 'communes', 'plan', 'plan-import', 'api'];

/** Each vocabulary's entries by code. */
const BY_KIND: Readonly<Record<CatalogueKind, Readonly<Record<string, CatalogueEntry>>>> = {
  finding: { ...FINDINGS, ...TASK_FINDINGS },
  reading: { ...READING_FINDINGS, ...TASK_READING_FINDINGS },
  upload: UPLOAD_FAILURES,
  communes: COMMUNE_FINDINGS,
  plan: PLAN_CHECK_PROBLEMS,
  'plan-import': PLAN_IMPORT_FINDINGS,
  api: API_ERRORS,
};

/** Every entry of the catalogue, kind by kind, each kind in the order its file declares. */
export function catalogueEntries(): CatalogueEntry[] {
  return CATALOGUE_KINDS.flatMap((kind) => Object.values(BY_KIND[kind]));
}

/** The entry of a code in one vocabulary, or undefined. */
export function entryOf(kind: CatalogueKind, code: string): CatalogueEntry | undefined {
  const entries = BY_KIND[kind];
  return Object.hasOwn(entries, code) ? entries[code] : undefined;
}

/** The message of a code (without its hint), for producers whose records have no hint (uploads, communes). */
export function messageOf(entry: CatalogueEntry, params: Params = {}, variant?: string): Text {
  return render(entry, params, variant).message;
}
