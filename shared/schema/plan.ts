import { z } from 'zod';
import { Polarity, Severity, ValueType } from './enums';
import { TargetExpression, Tolerance } from './target';

export { Polarity, Severity, ValueType } from './enums';

/**
 * The plan file format. Field names listed in the domain-core issue are fixed because
 * other tools read them; everything else is additive. A plan file is data only: adding a
 * plan never needs a code change.
 */

const Year = z.number().int().min(1990).max(2100);
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const AgencyId = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'agency ids are lower-case slugs');
export const IndicatorCode = z
  .string()
  .regex(/^\d+(\.\d+)*$/, 'indicator codes are dotted numbers: "1", "3.1", "6.1.2"');

export const Aggregation = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('lead') }).strict().describe('The lead agency reports the citywide value'),
    z
      .object({
        kind: z.literal('sum'),
        contributors: z.array(AgencyId).optional().describe('Defaults to the coordinating agencies'),
      })
      .strict()
      .describe('Citywide value is the sum of the contributions'),
    z
      .object({
        kind: z.literal('weightedMean'),
        denominator: z.object({ label: z.string(), labelEn: z.string().optional() }).strict(),
        contributors: z.array(AgencyId).optional(),
      })
      .strict()
      .describe('Citywide value is Σ(value × denominator) ÷ Σ denominator'),
  ])
  .describe('How the citywide value is formed');
export type Aggregation = z.infer<typeof Aggregation>;

export const YearTarget = z
  .object({
    text: z.string().describe('Verbatim from the source, markup stripped'),
    target: TargetExpression.optional().describe('The parsed expression; filled from the text when a plan file leaves it out'),
    mergedFrom: z.string().optional().describe('Year whose merged cell this target spans from, e.g. "2022"'),
    judgedByHand: z
      .boolean()
      .optional()
      .describe(
        'True for a target the engine cannot read: the plan still loads, and the consolidator records a judgement (met, within tolerance, not met, with a reason) per period instead',
      ),
  })
  .strict();
export type YearTargetFile = z.infer<typeof YearTarget>;
/** A year's target once compiled: the expression is always there (compile.ts fills it from the text). */
export type YearTarget = Omit<YearTargetFile, 'target'> & { target: TargetExpression };

export const Indicator = z
  .object({
    code: IndicatorCode,
    name: z.string().min(1),
    nameEn: z.string().optional(),
    sourceName: z.string().optional().describe('The source wording when the name corrects a typo'),
    parent: IndicatorCode.optional().describe('Code of the heading or total this row belongs to'),
    reportable: z.boolean().default(true).describe('False for headings that carry no value of their own'),
    unit: z.string().describe('"%", "giường/vạn dân", "lượt người/năm"'),
    valueType: ValueType,
    polarity: Polarity,
    decimals: z.number().int().min(0).max(6).optional(),
    maxValue: z.number().optional().describe('Plausibility cap; percentages default to 100'),
    min: z
      .number()
      .optional()
      .describe('Plausibility floor (min-max check): a smaller value is an error. Default 0: counts, rates and shares are never negative'),
    max: z
      .number()
      .optional()
      .describe(
        'Plausibility ceiling (min-max check): a larger value is an error. Default from the unit: 100 for a percentage (or maxValue), 10,000 per 10,000 people ("/vạn dân"), 1,000 per 1,000 ("‰"), none for counts',
      ),
    baseline: z
      .object({ year: Year, text: z.string(), note: z.string().optional() })
      .strict()
      .nullable(),
    targets: z.record(z.string().regex(/^\d{4}$/), YearTarget),
    tolerance: Tolerance.optional().describe('Overrides the plan default for this indicator'),
    lead: AgencyId.nullable().describe('null when the plan does not assign the field'),
    leadSource: z.string().optional().describe('Lead agency as written; blank cells resolved per merged cells'),
    leadHistory: z
      .array(z.object({ agencyId: AgencyId, from: IsoDate }).strict())
      .optional()
      .describe('Reassignments by an admin: from this date the indicator is led by this agency'),
    coordinators: z.array(AgencyId),
    coordinatorsSource: z.string().optional(),
    field: z.string().optional().describe('Policy field; decides which successor takes over after a reorganisation'),
    policyDocuments: z.array(z.string()),
    aggregation: Aggregation,
    noteRequiredWhenMissed: z.boolean().default(true),
    replacedBy: IndicatorCode.optional().describe('Set when a later revision replaced this indicator'),
  })
  .strict()
  .refine((i) => i.min === undefined || i.max === undefined || i.min <= i.max, { error: 'min must not exceed max', path: ['max'] });
/** An indicator as the file holds it: a target may be only its phrase. */
export type IndicatorFile = z.output<typeof Indicator>;
/** An indicator with every target read (`fillTargets` in compile.ts). */
export type Indicator = Omit<IndicatorFile, 'targets'> & { targets: Record<string, YearTarget> };

export const Due = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('everyYear') }).strict(),
  z.object({ kind: z.literal('quarter'), year: Year, quarter: z.number().int().min(1).max(4) }).strict(),
  z.object({ kind: z.literal('year'), year: Year }).strict(),
]);
export type Due = z.infer<typeof Due>;

export const PlanDocument = z
  .object({
    code: z.string().min(1),
    title: z.string().min(1),
    issuer: AgencyId,
    issuerSource: z.string().optional(),
    due: Due,
    condition: z.string().optional().describe('"Sau khi Trung ương ban hành …": due only once that happens'),
    lead: AgencyId,
    leadSource: z.string().optional(),
    coordinators: z.array(AgencyId),
    coordinatorsSource: z.string().optional(),
  })
  .strict();
export type PlanDocument = z.infer<typeof PlanDocument>;

export const Costs = z
  .object({ total: z.number(), carriedOver: z.number(), new: z.number() })
  .strict()
  .describe('Million VND');
export type Costs = z.infer<typeof Costs>;

const CostsText = z
  .object({ total: z.string(), carriedOver: z.string(), new: z.string() })
  .strict()
  .describe('The cells as written, for audit');

const Years = z.object({ from: Year, to: Year }).strict();

export const ProjectGroup = z
  .object({
    code: z.string().min(1),
    title: z.string().min(1),
    parent: z.string().nullable(),
    costs: Costs.describe('As stated in the source; roll-up rules check them'),
    costsText: CostsText.optional(),
  })
  .strict();
export type ProjectGroup = z.infer<typeof ProjectGroup>;

export const Project = z
  .object({
    code: z.string().min(1),
    title: z.string().min(1),
    group: z.string().min(1),
    lead: AgencyId.optional(),
    costs: Costs,
    costsText: CostsText.optional(),
    years: Years.nullable(),
  })
  .strict();
export type Project = z.infer<typeof Project>;

export const TaskCode = z
  .string()
  .min(1)
  .max(50)
  .regex(/^[A-Za-z0-9][A-Za-z0-9.-]*$/, 'task codes are letters, digits, dots and hyphens: "IV.1.3"');

export const TaskDue = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('once') }).strict().describe('Once within the plan period: due by its last day'),
    z.object({ kind: z.literal('everyYear') }).strict().describe('Every year: due by each annual report'),
    z.object({ kind: z.literal('byDate'), date: IsoDate }).strict().describe('Due by this date'),
  ])
  .describe('When the task is due');
export type TaskDue = z.infer<typeof TaskDue>;

export const PlanTask = z
  .object({
    code: TaskCode.describe('Where the plan assigns it, e.g. "IV.1.3" (section IV, agency 1, its third task)'),
    section: z.string().max(50).optional().describe('The task group of the plan it serves, e.g. "II.2"'),
    text: z.string().min(1).describe('The task as the agency reads it'),
    textEn: z.string().optional(),
    lead: AgencyId,
    leadSource: z.string().optional().describe('The lead as the plan names it'),
    coordinators: z.array(AgencyId),
    coordinatorsSource: z.string().optional(),
    due: TaskDue,
    source: z.string().min(1).describe('The source sentence, verbatim'),
  })
  .strict();
export type PlanTask = z.infer<typeof PlanTask>;

const RuleBase = {
  id: z.string().min(1),
  tolerance: Tolerance.default({ absolute: 0 }),
  severity: Severity,
  description: z.string().optional(),
};

export const Rule = z.discriminatedUnion('kind', [
  z
    .object({ kind: z.literal('indicatorSum'), target: IndicatorCode, terms: z.array(IndicatorCode).min(2), ...RuleBase })
    .strict()
    .describe('target = Σ terms, e.g. 3 = 3.1 + 3.2'),
  z
    .object({
      kind: z.literal('indicatorNotAbove'),
      part: IndicatorCode,
      whole: IndicatorCode,
      ...RuleBase,
    })
    .strict()
    .describe('A part never exceeds its whole'),
  z
    .object({
      kind: z.literal('projectRollup'),
      group: z.string(),
      members: z.array(z.string()).min(1),
      fields: z.array(z.enum(['total', 'carriedOver', 'new'])).min(1),
      ...RuleBase,
    })
    .strict()
    .describe('A group row is the sum of its member rows'),
  z
    .object({ kind: z.literal('costSplit'), ...RuleBase })
    .strict()
    .describe('Every project and group: total = carriedOver + new'),
]);
export type Rule = z.infer<typeof Rule>;

export const PeriodKind = z.enum(['3M', '6M', '9M', 'year']);
export type PeriodKind = z.infer<typeof PeriodKind>;
const MonthDay = z.string().regex(/^\d{2}-\d{2}$/, 'expected MM-DD');

export const Reporting = z
  .object({
    standingAgency: AgencyId,
    periods: z
      .array(
        z
          .object({
            kind: PeriodKind,
            cutoff: z
              .object({ from: MonthDay.describe('in the previous year'), to: MonthDay })
              .strict()
              .describe('Data window; Decree 09/2019/NĐ-CP: 15 Dec of the previous year to 14 Jun / 14 Dec'),
            deadline: MonthDay.describe('Day of the report year by which the report is due'),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();
export type Reporting = z.infer<typeof Reporting>;

export const Correction = z
  .object({ where: z.string(), source: z.string(), corrected: z.string(), why: z.string() })
  .strict();

export const Plan = z
  .object({
    $schema: z.string().optional(),
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    title: z.string().min(1),
    number: z.string().min(1).describe('"207/KH-UBND"'),
    issuedOn: IsoDate,
    city: z.string().min(1),
    program: z.string().min(1).describe('The Party program the plan implements, e.g. "08-CTr/TU"'),
    startYear: Year,
    endYear: Year,
    revision: z.number().int().min(1),
    revisionNote: z.string().optional(),
    source: z.string().optional().describe('Where the plan text comes from'),
    corrections: z.array(Correction).default([]),
    defaults: z
      .object({
        approximateTolerance: Tolerance.default({ relative: 0.02 }),
        onScheduleProgress: z
          .number()
          .min(0)
          .max(100)
          .default(95)
          .describe('Partial-year progress (% of the year plan) that still counts as on schedule'),
      })
      .strict()
      .default({ approximateTolerance: { relative: 0.02 }, onScheduleProgress: 95 }),
    indicators: z.array(Indicator).min(1),
    documents: z.array(PlanDocument),
    projectGroups: z.array(ProjectGroup).default([]),
    projects: z.array(Project),
    tasks: z.array(PlanTask).default([]).describe('Tasks assigned agency by agency (plans written as tasks, like Hải Phòng 113/KH-UBND)'),
    rules: z.array(Rule),
    reporting: Reporting,
  })
  .strict()
  .superRefine((plan, ctx) => {
    if (plan.endYear < plan.startYear) {
      ctx.addIssue({ code: 'custom', path: ['endYear'], message: 'endYear is before startYear' });
    }
    const codes = new Set<string>();
    plan.indicators.forEach((indicator, i) => {
      if (codes.has(indicator.code)) {
        ctx.addIssue({ code: 'custom', path: ['indicators', i, 'code'], message: `duplicate indicator code ${indicator.code}` });
      }
      codes.add(indicator.code);
      for (const year of Object.keys(indicator.targets)) {
        const y = Number(year);
        if (y < plan.startYear || y > plan.endYear) {
          ctx.addIssue({
            code: 'custom',
            path: ['indicators', i, 'targets', year],
            message: `target year ${year} is outside the plan period ${plan.startYear}-${plan.endYear}`,
          });
        }
      }
    });
    // Excel names are case-insensitive and the template's names turn "." and "-" into "_":
    // "IV.2.1" and "iv-2-1" would share their input cells.
    const taskCodes = new Map<string, string>();
    plan.tasks.forEach((task, i) => {
      const folded = task.code.toLowerCase().replace(/[.-]+/g, '_');
      const other = taskCodes.get(folded);
      if (other === task.code) ctx.addIssue({ code: 'custom', path: ['tasks', i, 'code'], message: `duplicate task code ${task.code}` });
      else if (other !== undefined) ctx.addIssue({ code: 'custom', path: ['tasks', i, 'code'], message: `task code ${task.code} differs from ${other} only by case or punctuation: they would share their cells in the template` });
      taskCodes.set(folded, task.code);
    });
    plan.indicators.forEach((indicator, i) => {
      if (indicator.parent && !codes.has(indicator.parent)) {
        ctx.addIssue({ code: 'custom', path: ['indicators', i, 'parent'], message: `unknown parent ${indicator.parent}` });
      }
    });
    plan.rules.forEach((rule, i) => {
      const refs =
        rule.kind === 'indicatorSum'
          ? [rule.target, ...rule.terms]
          : rule.kind === 'indicatorNotAbove'
            ? [rule.part, rule.whole]
            : [];
      for (const ref of refs) {
        if (!codes.has(ref)) {
          ctx.addIssue({ code: 'custom', path: ['rules', i], message: `rule ${rule.id} names unknown indicator ${ref}` });
        }
      }
    });
    const projectCodes = new Set([...plan.projects.map((p) => p.code), ...plan.projectGroups.map((g) => g.code)]);
    plan.projects.forEach((project, i) => {
      if (!plan.projectGroups.some((g) => g.code === project.group)) {
        ctx.addIssue({ code: 'custom', path: ['projects', i, 'group'], message: `unknown project group ${project.group}` });
      }
    });
    plan.rules.forEach((rule, i) => {
      if (rule.kind !== 'projectRollup') return;
      for (const ref of [rule.group, ...rule.members]) {
        if (!projectCodes.has(ref)) {
          ctx.addIssue({ code: 'custom', path: ['rules', i], message: `rule ${rule.id} names unknown project or group ${ref}` });
        }
      }
    });
  });
/** A plan file as validated by the schema (targets possibly unread). */
export type PlanFile = z.output<typeof Plan>;
/** A plan with every target read: what `parsePlan` in compile.ts returns and the engine works on. */
export type Plan = Omit<PlanFile, 'indicators'> & { indicators: Indicator[] };
export type PlanInput = z.input<typeof Plan>;
