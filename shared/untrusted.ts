/**
 * Reading data whose shape is not guaranteed: request bodies, stored reports, uploaded
 * workbooks, options from JavaScript callers. The static type of such a value says what it
 * should be; these helpers read it as what it may be, without copying (they run per entry).
 */

/** The fields of a `T` that may be anything, or absent: what an object from outside really holds. */
export type Untrusted<T> = { readonly [K in keyof T]?: unknown };

/**
 * An object, whatever it holds: `const input: Untrusted<T> = isObject(raw) ? raw : {}` reads a
 * value typed `T` that may in fact be anything (null, a number …) from a JavaScript caller or JSON.
 */
export function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/** An array from untrusted input, or none; its items are still unknown. */
export function listOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The code of a row from untrusted input, trimmed; '' when there is none. */
export function codeOf(row: unknown): string {
  if (!isObject(row)) return '';
  const { code }: { code?: unknown } = row;
  return typeof code === 'string' ? code.trim() : '';
}

/** `record[key]` when the record is an object with that key of its own (never an inherited one); undefined otherwise. */
export function ownField(record: unknown, key: string): unknown {
  if (!isObject(record) || !Object.hasOwn(record, key)) return undefined;
  return (record as Readonly<Record<string, unknown>>)[key];
}
