import { z } from 'zod';

/**
 * A parsed target phrase. Every kind keeps the unit and the qualifier the plan wrote
 * ("Dưới 3% (theo chuẩn mới)" → below 3, unit "%", qualifier "theo chuẩn mới"), so the
 * phrase can be rendered back and a change of measuring standard is never lost.
 */
export const Tolerance = z
  .object({
    absolute: z.number().nonnegative().optional().describe('Allowed deviation in the indicator unit'),
    relative: z.number().nonnegative().max(1).optional().describe('Allowed deviation as a share of the target (0.02 = 2 %)'),
  })
  .strict()
  .describe('How far a value may stray from a target and still count');
export type Tolerance = z.infer<typeof Tolerance>;

const common = {
  unit: z.string().optional().describe('Unit as written in the phrase: "%", "lượt người/năm", "tuổi"'),
  qualifier: z.string().optional().describe('Bracketed qualifier, e.g. "theo chuẩn mới"'),
};

const Comparison = (kind: 'below' | 'above' | 'atLeast' | 'atMost') =>
  z.object({ kind: z.literal(kind), value: z.number(), ...common }).strict();

export const BelowTarget = Comparison('below');
export const AboveTarget = Comparison('above');
export const AtLeastTarget = Comparison('atLeast');
export const AtMostTarget = Comparison('atMost');

export const RangeTarget = z
  .object({
    kind: z.literal('range'),
    min: z.number(),
    max: z.number(),
    approximate: z.boolean().optional().describe('"khoảng 0,88-0,9": the range itself is approximate'),
    ...common,
  })
  .strict();

export const ApproximatelyTarget = z
  .object({
    kind: z.literal('approximately'),
    value: z.number(),
    tolerance: Tolerance.optional().describe('Overrides the plan default'),
    ...common,
  })
  .strict();

/** "100%", "15", "Duy trì 100%": reach (or keep) a value; the indicator's polarity says which side counts. */
export const ExactTarget = z
  .object({ kind: z.literal('exact'), value: z.number(), maintain: z.boolean(), ...common })
  .strict();

/** "Mức sinh thay thế 2,1": hold a level; too high and too low both miss. */
export const LevelTarget = z
  .object({
    kind: z.literal('level'),
    value: z.number(),
    label: z.string().optional(),
    tolerance: Tolerance.optional(),
    ...common,
  })
  .strict();

/** "0,1%/năm" on "Giảm … so với năm trước": a change against the previous period's actual value. */
export const ChangeTarget = z
  .object({
    kind: z.literal('change'),
    direction: z.enum(['decrease', 'increase']),
    amount: z.number().nonnegative(),
    per: z.literal('year'),
    ...common,
  })
  .strict();

export const QualitativeAnswer = z.enum(['achieved', 'basicallyAchieved', 'notAchieved']);
export type QualitativeAnswer = z.infer<typeof QualitativeAnswer>;

export const QualitativeTarget = z
  .object({
    kind: z.literal('qualitative'),
    expected: z.enum(['achieved', 'basicallyAchieved']),
    statement: z.string().describe('What must hold, verbatim: "không còn hộ nghèo"'),
    figure: z.number().optional().describe('A figure written beside the phrase: "(0,21%)"'),
    allowedAnswers: z.array(QualitativeAnswer).min(1),
    ...common,
  })
  .strict();

/** Where reading stopped: the word as written and its offset (0-based, UTF-16 units) in `text`. */
export const StoppedAt = z
  .object({
    word: z.string(),
    offset: z.number().int().nonnegative(),
  })
  .strict()
  .describe('The word where reading stopped and its offset in the text');
export type StoppedAt = z.infer<typeof StoppedAt>;

export const UnparsedTarget = z
  .object({ kind: z.literal('unparsed'), text: z.string(), reason: z.string(), stoppedAt: StoppedAt.optional() })
  .strict();
export type UnparsedTarget = z.infer<typeof UnparsedTarget>;

export const TargetExpression = z.discriminatedUnion('kind', [
  BelowTarget,
  AboveTarget,
  AtLeastTarget,
  AtMostTarget,
  RangeTarget,
  ApproximatelyTarget,
  ExactTarget,
  LevelTarget,
  ChangeTarget,
  QualitativeTarget,
  UnparsedTarget,
]);
export type TargetExpression = z.infer<typeof TargetExpression>;
export type TargetKind = TargetExpression['kind'];
