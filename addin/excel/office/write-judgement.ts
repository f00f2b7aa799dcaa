import { COLORS } from '../../../shared/layout/labels';
import { inputName } from '../../../shared/layout/template';
import type { Severity } from '../../../shared/schema/plan';
import type { Judgement } from '../port';
import { sparseRectangles } from './geometry';
import type { LoadedSheet, Positions } from './read-inputs';
import type { StoredTemplate } from './records';
import { jsonBytes } from './requests';
import type { RequestPlan } from './requests';
import { textForExcel } from './text';

const severityRank: Record<Severity, number> = { info: 1, warning: 2, error: 3 };

type CellMap<V> = Map<string, Map<string, V>>;

function put<V>(map: CellMap<V>, role: string, row: number, col: number, value: V): void {
  let m = map.get(role);
  if (!m) map.set(role, (m = new Map<string, V>()));
  m.set(`${row}:${col}`, value);
}

/** Verdict, progress and category values by sheet role and "row:col", beside the row's anchor input. */
function outputCells(record: StoredTemplate, judgement: Judgement, locate: Positions): CellMap<string | number> {
  const writes: CellMap<string | number> = new Map();
  const nameOf = new Map(record.inputs.map(([, kind, code, name]) => [`${kind}:${code}`, name]));
  for (const out of judgement.outputs) {
    const where = record.outputs[out.kind];
    if (!where) continue;
    const at = locate(where.role, nameOf.get(`${where.anchor}:${out.code}`) ?? inputName(where.anchor, out.code));
    if (!at) continue;
    const v = out.value;
    put(writes, where.role, at.row, at.col + where.offset, typeof v === 'number' ? (Number.isFinite(v) ? v : '') : v === null ? '' : textForExcel(v, false));
  }
  return writes;
}

/** The fill of every input: red for its worst error, amber for a warning, its own fill otherwise (clearing earlier highlights). */
function inputFills(record: StoredTemplate, judgement: Judgement, locate: Positions): CellMap<string> {
  const worst = new Map<string, Severity>();
  for (const h of judgement.highlights) {
    const key = `${h.kind}:${h.code}`;
    const prev = worst.get(key);
    if (!prev || severityRank[h.severity] > severityRank[prev]) worst.set(key, h.severity);
  }
  const fills: CellMap<string> = new Map();
  for (const [role, kind, code, name, style] of record.inputs) {
    const at = locate(role, name);
    if (!at) continue;
    const severity = worst.get(`${kind}:${code}`);
    const colour = severity === 'error' ? COLORS.notMet : severity === 'warning' ? COLORS.tolerance : (record.fills?.[style] ?? COLORS.inputFill);
    if (colour) put(fills, role, at.row, at.col, colour);
  }
  return fills;
}

/** Queues the outputs and highlights, on sheets unprotected for the time of the writes and protected again as they were. */
export function planJudgement(plan: RequestPlan, record: StoredTemplate, judgement: Judgement, sheets: readonly LoadedSheet[], locate: Positions): void {
  const writes = outputCells(record, judgement, locate);
  const fills = inputFills(record, judgement, locate);
  for (const s of sheets) {
    const outputs = writes.get(s.role);
    const colours = fills.get(s.role);
    if (!outputs && !colours) continue;
    const wasProtected = s.protection.protected;
    const options = s.protection.options;
    if (wasProtected) plan.add(0, () => s.worksheet.protection.unprotect());
    for (const { rect, grid } of sparseRectangles(outputs, () => 'v')) {
      plan.add(jsonBytes(grid), () => {
        s.worksheet.getRangeByIndexes(rect.r1, rect.c1, rect.r2 - rect.r1 + 1, rect.c2 - rect.c1 + 1).values = grid;
      });
    }
    for (const { rect, key } of sparseRectangles(colours, (v) => v)) {
      plan.add(0, () => {
        s.worksheet.getRangeByIndexes(rect.r1, rect.c1, rect.r2 - rect.r1 + 1, rect.c2 - rect.c1 + 1).format.fill.color = key;
      });
    }
    if (wasProtected) plan.add(jsonBytes(options), () => s.worksheet.protection.protect(options));
  }
}
