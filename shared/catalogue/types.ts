import type { Text } from '../i18n';
import type { Severity } from '../schema/plan';
import type { Lang } from '../targets/render';

/**
 * The one catalogue of codes (shared/catalogue/): what each code means, how bad it is and
 * what it says, in Vietnamese and English. Producers give a code and its parameters; the
 * words come from here (render.ts), so a message is written once, not at every site.
 */

/** Which vocabulary a code belongs to: a code is unique within its kind, not across kinds. */
export type CatalogueKind =
  /** The engine's findings on a report (shared/validate.ts, entries.ts, plausibility.ts). */
  | 'finding'
  /** Findings made while reading a workbook's cells (shared/layout/inputs.ts, server/xlsx/read.ts). */
  | 'reading'
  /** Why an uploaded workbook was refused before anything was read (server/xlsx/read.ts). */
  | 'upload'
  /** Rows of a communes CSV that could not be imported (shared/agencies/communes-csv.ts). */
  | 'communes'
  /** Problems of a plan file checked before it is added (shared/plan-check.ts). */
  | 'plan'
  /** Findings made while reading a plan's appendix table into a draft plan (shared/plan-import/). */
  | 'plan-import'
  /** The server's API error codes (shared/catalogue/api-errors.ts); an upload refusal is answered as upload-<code>. */
  | 'api';

export type { Lang };

/** A parameter of a message: a Text is shown in the message's language, a list joined with ", ". */
export type ParamValue = string | number | boolean | null | Text | ReadonlyArray<string | number>;
export type Params = Readonly<Record<string, ParamValue | undefined>>;

/**
 * Another wording of the same code, chosen by the producer: the code and what it means stay
 * one ("the value is not a number"), the words follow what was read (a cell, a disbursement).
 */
export interface CatalogueVariant {
  severity?: Severity;
  message?: Text;
  hint?: Text;
}

export interface CatalogueEntry<K extends CatalogueKind = CatalogueKind> {
  code: string;
  kind: K;
  /** The usual severity; a variant or the producer (a plan rule's own severity) may set another. */
  severity?: Severity;
  /** The HTTP status a refusal is answered with (uploads, API errors). */
  status?: number;
  title: Text;
  /** Templates: `{name}` is replaced by the parameter `name` (or by what `format` derives). */
  message: Text;
  hint?: Text;
  variants?: Readonly<Record<string, CatalogueVariant>>;
  /**
   * Placeholders that need logic (numbers in each language's style, optional parts, plurals),
   * derived from the parameters next to the entry rather than at each producer.
   */
  format?: (params: Params, lang: Lang) => Readonly<Record<string, string>>;
}
