import { z } from 'zod';
import type { core } from 'zod';
import { PLAN_CHECK_PROBLEMS } from './catalogue/plan-check';
import type { PlanCheckCode } from './catalogue/plan-check';
import { render } from './catalogue/render';
import type { Params } from './catalogue/types';
import type { Text } from './i18n';
import { text } from './i18n';
import { pathByCode, valueAt } from './plan-check-paths';
import { Plan } from './schema/plan';
import type { Severity } from './schema/plan';

/** One problem of a plan file: a code of the catalogue (kind "plan"), where it is by code, how bad, and its words. */
export interface PlanProblem {
  code: PlanCheckCode;
  severity: Severity;
  /** By code: `indicators[3.1].targets.2025`, `rules[r-3-sum]`, `reporting.periods[6M].deadline`. */
  path: string;
  message: Text;
  hint: Text;
  params: Params;
  variant?: string;
}

/** The one place a plan problem is made: words from the catalogue, filled with `params`. */
export function problem(code: PlanCheckCode, path: string, params: Params = {}, variant?: string): PlanProblem {
  const entry = PLAN_CHECK_PROBLEMS[code];
  const words = render(entry, params, variant);
  return {
    code,
    severity: entry.severity ?? 'error',
    path,
    message: words.message,
    hint: words.hint ?? { vi: '', en: '' },
    params,
    ...(variant === undefined ? {} : { variant }),
  };
}

/**
 * The plan's shape without its cross-checks (codes, years, references): those are made by
 * plan-check-refs.ts on whatever parts are readable, so that a schema error elsewhere does not
 * hide them (zod runs an object's refinements only once the whole object is valid).
 */
const PlanShape = z.strictObject(Plan.shape);

const TYPE_NAMES: Readonly<Record<string, Text>> = {
  string: text('chuỗi chữ', 'a string'),
  number: text('một số', 'a number'),
  int: text('một số nguyên', 'an integer'),
  boolean: text('true hoặc false', 'true or false'),
  array: text('một danh sách [ … ]', 'a list [ … ]'),
  object: text('một đối tượng { … }', 'an object { … }'),
  record: text('một đối tượng { … }', 'an object { … }'),
  null: text('null', 'null'),
  undefined: text('không có gì', 'nothing'),
};

function typeName(name: string): Text {
  return TYPE_NAMES[name] ?? text(name, name);
}

function typeOfValue(value: unknown): Text {
  if (value === null) return typeName('null');
  if (Array.isArray(value)) return typeName('array');
  return typeName(typeof value);
}

/** The format rules the plan schema writes (in English), in both languages. */
const FORMAT_RULES: Readonly<Record<string, string>> = {
  'expected YYYY-MM-DD': 'ngày dạng YYYY-MM-DD',
  'expected MM-DD': 'ngày trong năm dạng MM-DD',
  'agency ids are lower-case slugs': 'mã đơn vị viết thường, không dấu, nối bằng dấu gạch ngang (vd. "hn-syt")',
  'indicator codes are dotted numbers: "1", "3.1", "6.1.2"': 'mã chỉ tiêu là các số nối bằng dấu chấm: "1", "3.1", "6.1.2"',
  'task codes are letters, digits, dots and hyphens: "IV.1.3"': 'mã nhiệm vụ gồm chữ, số, dấu chấm và gạch ngang: "IV.1.3"',
};

function formatRule(message: string, pattern: string | undefined): Text {
  const vi = FORMAT_RULES[message];
  if (vi !== undefined) return text(vi, message);
  const rule = message.startsWith('Invalid') && pattern ? pattern : message;
  return text(`theo mẫu ${rule}`, `must match ${rule}`);
}

function sized(issue: { origin?: string; minimum?: unknown; maximum?: unknown }, bound: 'minimum' | 'maximum'): Text {
  const n = String(issue[bound]);
  switch (issue.origin) {
    case 'string':
      return text(`${n} ký tự`, `${n} characters`);
    case 'array':
    case 'set':
      return text(`${n} mục`, `${n} ${n === '1' ? 'item' : 'items'}`);
    default:
      return text(n, n);
  }
}

/** One zod issue as a plan problem, its path by code. */
function issueProblem(raw: unknown, issue: core.$ZodIssue): PlanProblem {
  const path = pathByCode(raw, issue.path);
  switch (issue.code) {
    case 'invalid_type': {
      const found = valueAt(raw, issue.path);
      if (found === undefined) return problem('schema-missing', path, { expected: typeName(issue.expected) });
      return problem('schema-type', path, { expected: typeName(issue.expected), received: typeOfValue(found) });
    }
    case 'unrecognized_keys':
      return problem('schema-unknown-field', path, { keys: issue.keys.slice(0, 20) });
    case 'invalid_value':
      return problem('schema-not-allowed', path, { options: issue.values.map(String) });
    case 'invalid_union':
      if ('options' in issue && Array.isArray(issue.options)) return problem('schema-not-allowed', path, { options: issue.options.map(String) });
      return problem('schema-other', path, { detail: issue.message });
    case 'invalid_format':
      return problem('schema-format', path, { rule: formatRule(issue.message, 'pattern' in issue ? String(issue.pattern) : undefined) });
    case 'too_small':
      return problem('schema-too-small', path, { minimum: sized(issue, 'minimum') });
    case 'too_big':
      return problem('schema-too-big', path, { maximum: sized(issue, 'maximum') });
    default:
      return problem('schema-other', path, { detail: issue.message });
  }
}

/** Every schema problem of the file at once (zod checks every field of every row in one pass). */
export function schemaProblems(raw: unknown): PlanProblem[] {
  const parsed = PlanShape.safeParse(raw);
  return parsed.success ? [] : parsed.error.issues.map((issue) => issueProblem(raw, issue));
}

/** The full schema's own cross-checks, for a file that passed every other check (a check the refs do not repeat). */
export function refinementProblems(raw: unknown): PlanProblem[] {
  const parsed = Plan.safeParse(raw);
  return parsed.success ? [] : parsed.error.issues.map((issue) => issueProblem(raw, issue));
}
