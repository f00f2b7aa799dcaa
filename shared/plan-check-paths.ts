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

/**
 * The name of every row of a list: its code when no other row has it, else its position.
 * Computed once per list (a path is asked for each problem, and a file may have thousands).
 */
const ROW_NAMES = new WeakMap<readonly unknown[], Map<string, readonly string[]>>();

function rowNames(rows: readonly unknown[], field: string): readonly string[] {
  let byField = ROW_NAMES.get(rows);
  if (!byField) ROW_NAMES.set(rows, (byField = new Map<string, readonly string[]>()));
  const cached = byField.get(field);
  if (cached) return cached;
  const codes = rows.map((row) => {
    const code = record(row)?.[field];
    return typeof code === 'string' && code !== '' && code.length <= 60 && !/[[\]]/.test(code) ? code : undefined;
  });
  const counts = new Map<string, number>();
  for (const code of codes) if (code !== undefined) counts.set(code, (counts.get(code) ?? 0) + 1);
  const names = codes.map((code, i) => (code !== undefined && counts.get(code) === 1 ? code : `#${i + 1}`));
  byField.set(field, names);
  return names;
}

function rowName(rows: readonly unknown[], index: number, field: string): string {
  return rowNames(rows, field)[index] ?? `#${index + 1}`;
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
