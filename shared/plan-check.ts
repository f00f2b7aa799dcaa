import type { AgencyRegister } from './agencies/register';
import { compilePlan, sameExpression } from './compile';
import type { CompiledPlan } from './compile';
import type { Text } from './i18n';
import { agencyProblems, codeProblems, periodProblems, yearProblems } from './plan-check-refs';
import { list, pathByCode, record } from './plan-check-paths';
import { problem, refinementProblems, schemaProblems } from './plan-check-schema';
import type { PlanProblem } from './plan-check-schema';
import { Polarity, ValueType, YearTarget } from './schema/plan';
import { parseTarget, targetContextOf } from './targets/parse';
import { renderTarget, renderUnparsed } from './targets/render';
import type { UnparsedTarget } from './schema/target';

export type { PlanProblem } from './plan-check-schema';

/**
 * The one check of a plan file, before it is added and when it is added (POST /api/plans/check,
 * POST /api/plans, `npm run admin -- plan check`, the catalog loader): every problem at once —
 * schema, years and reporting periods, codes and references, agencies, targets — each with its
 * path by code, its words in Vietnamese and English and its severity; and every target with
 * how the engine read its phrase, so that the author sees "Dưới 3%" was read as "below 3%".
 * Pure: the register (and the catalog's highest revision of the plan) are given.
 */

/** How one target's phrase was read: `reading` is null for a phrase the engine cannot read. */
export interface TargetReading {
  indicator: string;
  year: string;
  text: string;
  reading: Text | null;
  judgedByHand: boolean;
}

export interface PlanCheck {
  /** No problem of severity error: the plan can be added. */
  ok: boolean;
  problems: PlanProblem[];
  targets: TargetReading[];
  /** The compiled plan when `ok`. */
  compiled: CompiledPlan | null;
}

export interface PlanCheckOptions {
  register: AgencyRegister;
  /** The highest revision of this plan id the catalog holds (retired ones included): a new file must go above it. */
  existingRevision?: (planId: string) => number | undefined;
}

/** Checks the text of a plan file (the admin CLI, the catalog folder): JSON first, then `checkPlan`. */
export function checkPlanText(text: string, options: PlanCheckOptions): PlanCheck {
  let raw: unknown;
  try {
    raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    return { ok: false, problems: [problem('plan-not-json', '(file)', { detail: error instanceof Error ? error.message : String(error) })], targets: [], compiled: null };
  }
  return checkPlan(raw, options);
}

/** Checks a plan file (parsed JSON) against the schema, itself and the register: every problem in one pass. */
export function checkPlan(raw: unknown, options: PlanCheckOptions): PlanCheck {
  if (!record(raw)) return { ok: false, problems: [problem('plan-not-object', '(root)')], targets: [], compiled: null };
  const targets = readTargets(raw);
  const problems = [
    ...schemaProblems(raw),
    ...yearProblems(raw),
    ...periodProblems(raw),
    ...codeProblems(raw),
    ...agencyProblems(raw, options.register),
    ...targets.problems,
    ...revisionProblems(raw, options),
  ];
  if (hasErrors(problems)) return { ok: false, problems: listed(problems), targets: targets.readings, compiled: null };
  // A cross-check of the schema none of the above repeats still refuses the file.
  problems.push(...refinementProblems(raw));
  if (hasErrors(problems)) return { ok: false, problems: listed(problems), targets: targets.readings, compiled: null };
  return { ok: true, problems: listed(problems), targets: targets.readings, compiled: compilePlan(raw) };
}

const hasErrors = (problems: readonly PlanProblem[]) => problems.some((p) => p.severity === 'error');

/** At most this many problems are listed (a file of thousands of broken rows would answer megabytes); the verdict counts them all. */
export const MAX_PROBLEMS = 500;

function listed(problems: PlanProblem[]): PlanProblem[] {
  if (problems.length <= MAX_PROBLEMS) return problems;
  return [...problems.slice(0, MAX_PROBLEMS), problem('problems-cut', '(root)', { shown: MAX_PROBLEMS, more: problems.length - MAX_PROBLEMS })];
}

function revisionProblems(raw: unknown, options: PlanCheckOptions): PlanProblem[] {
  const plan = record(raw);
  if (typeof plan?.id !== 'string' || typeof plan.revision !== 'number' || !options.existingRevision) return [];
  const existing = options.existingRevision(plan.id);
  return existing !== undefined && plan.revision <= existing ? [problem('revision-exists', 'revision', { planId: plan.id, revision: existing })] : [];
}

/**
 * Reads every target of every indicator whose targets are readable, even where other fields of
 * the indicator are not: a value type or polarity the schema refuses is read as a plain
 * higher-is-better number, so the phrase's own problems still show in this round.
 */
function readTargets(raw: unknown): { readings: TargetReading[]; problems: PlanProblem[] } {
  const readings: TargetReading[] = [];
  const problems: PlanProblem[] = [];
  list(record(raw)?.indicators).forEach((row, i) => {
    const indicator = record(row);
    const code = indicator?.code;
    if (typeof code !== 'string') return;
    const valueType = ValueType.safeParse(indicator?.valueType).data ?? 'number';
    const context = targetContextOf({
      valueType,
      polarity: Polarity.safeParse(indicator?.polarity).data ?? 'higher',
      unit: typeof indicator?.unit === 'string' ? indicator.unit : '',
      name: typeof indicator?.name === 'string' ? indicator.name : '',
    });
    for (const [year, value] of Object.entries(record(indicator?.targets) ?? {})) {
      const target = YearTarget.safeParse(value);
      if (!target.success) continue;
      const path = pathByCode(raw, ['indicators', i, 'targets', year]);
      const read = parseTarget(target.data.text, context);
      const judgedByHand = target.data.judgedByHand === true;
      const reading = read.kind === 'unparsed' ? null : { vi: renderTarget(read, 'vi', valueType), en: renderTarget(read, 'en', valueType) };
      readings.push({ indicator: code, year, text: target.data.text, reading, judgedByHand });
      const params = { text: target.data.text, reading: reading ?? undefined };
      if (read.kind === 'unparsed' && !judgedByHand) problems.push(problem('target-unreadable', path, { text: target.data.text, reason: unreadReason(read) }));
      if (reading && judgedByHand) problems.push(problem('hand-mark-readable', `${path}.judgedByHand`, params));
      if (target.data.target && !sameExpression(read, target.data.target)) {
        problems.push(problem('target-disagrees', `${path}.target`, { text: target.data.text, reading: reading ?? readFailure(read) }));
      }
    }
  });
  return { readings, problems };
}

/** Where and why reading stopped, in each language (the grammar names the word). */
function unreadReason(read: UnparsedTarget): Text {
  return { vi: renderUnparsed(read, 'vi'), en: renderUnparsed(read, 'en') };
}

function readFailure(read: ReturnType<typeof parseTarget>): Text {
  if (read.kind !== 'unparsed') return { vi: read.kind, en: read.kind };
  const reason = unreadReason(read);
  return { vi: `không đọc được (${reason.vi})`, en: `not understood (${reason.en})` };
}
