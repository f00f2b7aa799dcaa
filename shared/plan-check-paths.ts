/**
 * Where a problem of a plan file is, said by code: `indicators[3.1].targets.2025`, not
 * `indicators.4.targets.2025` (an index does not say which row). Rows of the plan's lists are
 * named by their code (rules by id, reporting periods by kind); a row whose code is missing,
 * not a string or used twice is named by its position instead, `indicators[#5]` (the fifth).
 */

/** The lists of a plan whose rows have a code of their own, and the field holding it. */
const KEYED_LISTS: Readonly<Record<string, string>> = {
  indicators: 'code',
  documents: 'code',
  projects: 'code',
  projectGroups: 'code',
  tasks: 'code',
  rules: 'id',
  periods: 'kind',
};

export function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The code a row is named by, when it has one that no other row of its list has. */
function rowName(rows: readonly unknown[], index: number, field: string): string {
  const code = record(rows[index])?.[field];
  if (typeof code !== 'string' || code === '' || code.length > 60 || /[[\]]/.test(code)) return `#${index + 1}`;
  const same = rows.filter((r) => record(r)?.[field] === code).length;
  return same === 1 ? code : `#${index + 1}`;
}

/** The path of `segments` in the plan file `raw`, rows of keyed lists named by their code. */
export function pathByCode(raw: unknown, segments: readonly PropertyKey[]): string {
  let at: unknown = raw;
  let out = '';
  let listField: string | undefined;
  for (const segment of segments) {
    if (typeof segment === 'number' && listField !== undefined && Array.isArray(at)) {
      out += `[${rowName(at, segment, listField)}]`;
    } else {
      out += `${out === '' ? '' : '.'}${String(segment)}`;
    }
    listField = typeof segment === 'string' && Object.hasOwn(KEYED_LISTS, segment) ? KEYED_LISTS[segment] : undefined;
    at = Array.isArray(at) && typeof segment === 'number' ? at[segment] : record(at)?.[String(segment)];
  }
  return out === '' ? '(root)' : out;
}

/** The value at `segments` in `raw` (undefined where the path leads nowhere). */
export function valueAt(raw: unknown, segments: readonly PropertyKey[]): unknown {
  let at: unknown = raw;
  for (const segment of segments) {
    if (Array.isArray(at) && typeof segment === 'number') at = at[segment];
    else at = record(at)?.[String(segment)];
    if (at === undefined) return undefined;
  }
  return at;
}
