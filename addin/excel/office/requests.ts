/**
 * Requests within a budget. Every sync is one request; Excel on the web refuses one over
 * 5 MB, so the adapter keeps each under `maxRequestBytes` (4 MB by default), estimated as
 * the JSON of what it sends.
 */

export const DEFAULT_MAX_REQUEST_BYTES = 4 * 1024 * 1024;
/** The smallest budget the adapter accepts. */
export const MIN_REQUEST_BYTES = 64 * 1024;
/** What one operation costs in a request besides its data (object path, action, ids); generous on purpose. */
const OPERATION_BYTES = 400;

export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) n += 1;
    else if (code < 0x800) n += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** JSON.stringify as it behaves: undefined (not a string) for undefined, a function or a symbol. */
const stringify = (value: unknown): string | undefined => JSON.stringify(value);

export const jsonBytes = (value: unknown): number => utf8Length(stringify(value) ?? '');

/**
 * Operations queued in order; `run` sends them, syncing between operations whenever the next
 * one would take the request over the budget. With a template of a few thousand rows, that
 * never happens and everything goes in the caller's one sync.
 */
export class RequestPlan {
  private readonly ops: Array<{ bytes: number; run: () => void }> = [];

  add(dataBytes: number, run: () => void): void {
    this.ops.push({ bytes: dataBytes + OPERATION_BYTES, run });
  }

  /** Queues every operation, sending what is queued first whenever the next one would not fit. */
  async run(context: Excel.RequestContext, budget: number): Promise<void> {
    let size = 0;
    for (const op of this.ops) {
      if (size > 0 && size + op.bytes > budget) {
        await context.sync(); // only when the request is full (see the class comment)
        size = 0;
      }
      op.run();
      size += op.bytes;
    }
  }
}

/** Rows of a grid in bands whose JSON stays under `limit` bytes (one band unless the grid is huge). */
export function bands<T>(grid: readonly T[][], limit: number): Array<{ start: number; rows: T[][] }> {
  const out: Array<{ start: number; rows: T[][] }> = [];
  let current: T[][] = [];
  let start = 0;
  let size = 0;
  grid.forEach((row, r) => {
    const bytes = jsonBytes(row) + 1;
    if (current.length > 0 && size + bytes > limit) {
      out.push({ start, rows: current });
      current = [];
      start = r;
      size = 0;
    }
    current.push(row);
    size += bytes;
  });
  if (current.length > 0) out.push({ start, rows: current });
  return out;
}
