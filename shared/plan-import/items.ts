/**
 * "1. …; 2. …" → ["…", "…"]: the policy documents of a row. A lead-in before the first
 * number ("Nghị quyết … quy định: 1. …; 2. …") is kept in front of every item; a cell without
 * numbering is one item. The numbers must follow each other (1, 2, 3 or 4, 5 when a page break
 * split the cell), so a figure inside a title ("Nghị quyết số 07/2019") is not taken for one.
 */
export function splitNumberedItems(cell: string): string[] {
  const text = cell.trim();
  if (!text) return [];
  const tidy = (s: string) => s.replace(/[\s;.]+$/, '').trim();
  const first = /(^|:\s*)(\d+)\.\s+/.exec(text);
  if (!first) return [tidy(text)];
  const start = first.index + (first[1] ?? '').length;
  const leadIn = text.slice(0, start).trim();
  const marks: Array<{ at: number; body: number }> = [{ at: start, body: first.index + first[0].length }];
  let n = Number(first[2]);
  for (;;) {
    n += 1;
    const re = new RegExp(`(^|\\s)${n}\\.\\s+`, 'g');
    re.lastIndex = marks[marks.length - 1]?.body ?? 0;
    const m = re.exec(text);
    if (!m) break;
    marks.push({ at: m.index + (m[1] ?? '').length, body: m.index + m[0].length });
  }
  return marks.map((mark, i) => {
    const item = tidy(text.slice(mark.body, marks[i + 1]?.at ?? text.length));
    return leadIn ? `${leadIn} ${item}` : item;
  });
}
