import { z } from 'zod';
import { Severity } from '../shared/schema/enums';

/** The bodies and answers of checking, adding and retiring plans (server/routes/plans.ts), published in the OpenAPI document. */

const TextSchema = z.object({ vi: z.string(), en: z.string() });

export const PlanProblemResponse = z.object({
  code: z.string().describe('A code of kind "plan" in the README\'s list of codes'),
  severity: Severity,
  path: z.string().describe('Where, rows named by their code: indicators[3.1].targets.2025, rules[r-3], reporting.periods[6M].deadline'),
  message: TextSchema,
  hint: TextSchema,
  params: z.record(z.string(), z.unknown()).describe('What the message was rendered from'),
  variant: z.string().optional(),
});

export const TargetReadingResponse = z.object({
  indicator: z.string(),
  year: z.string(),
  text: z.string().describe('The phrase as the plan writes it'),
  reading: TextSchema.nullable().describe('How the engine read it, in both languages; null when it cannot read it'),
  judgedByHand: z.boolean(),
});

export const PlanCheckResponse = z.object({
  ok: z.boolean().describe('No problem of severity error: POST /api/plans would add the file'),
  problems: z.array(PlanProblemResponse),
  targets: z.array(TargetReadingResponse),
});

export const PlanRetirementView = z.object({ revision: z.number().int().nullable(), reason: z.string(), by: z.string(), at: z.string() });

export const PlanListQuery = z.object({ retired: z.enum(['0', '1']).optional().describe('1: list retired plans too') });

export const RetireBody = z
  .object({
    revision: z.number().int().min(1).optional().describe('One revision; without it, the plan as a whole'),
    reason: z.string().trim().min(1).max(1_000).describe('1-1,000 characters'),
  })
  .strict();

export const RetirementResponse = z.object({
  planId: z.string(),
  revision: z.number().int().nullable(),
  retired: z.boolean(),
  reason: z.string(),
  by: z.string(),
  at: z.string(),
  inForce: z.number().int().nullable().describe('The revision now in force; null when the plan takes no new reports'),
});
