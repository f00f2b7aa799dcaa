/**
 * A value the code put there itself (a map filled from the same list, an index inside the
 * bounds it just checked): returned with its type narrowed, or a clear error naming what was
 * missing, instead of `x!` that would let an undefined slip through when a bug breaks it.
 */
export function present<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw new Error(`internal error: ${what} is missing`);
  return value;
}
