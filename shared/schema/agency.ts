import { z } from 'zod';

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
export const AgencyIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'agency ids are lower-case slugs');

export const AgencyKind = z.enum([
  'people-committee', // UBND Thành phố: issues documents
  'council', // HĐND Thành phố
  'department', // sở, ban, ngành
  'agency', // central agencies' city branches: BHXH, NHCSXH, Cục Thống kê, Công an
  'organisation', // MTTQ, socio-political organisations, associations
  'district', // quận, huyện, thị xã (until 30 June 2025 in Hà Nội)
  'commune', // xã, phường, thị trấn
  'group', // "UBND quận, huyện, thị xã", "các sở, ban, ngành": stands for its members
]);
export type AgencyKind = z.infer<typeof AgencyKind>;

export const Successor = z
  .object({
    id: AgencyIdSchema,
    fields: z.array(z.string()).optional().describe('Policy fields this successor took over'),
    default: z.boolean().optional().describe('Takes every field not named by another successor'),
    note: z.string().optional(),
  })
  .strict();
export type Successor = z.infer<typeof Successor>;

export const Agency = z
  .object({
    id: AgencyIdSchema,
    name: z.string().min(1),
    nameEn: z.string().optional(),
    kind: AgencyKind,
    city: z.string().min(1),
    subtype: z.string().optional().describe('"quận", "huyện", "thị xã", "xã", "phường"'),
    aliases: z.array(z.string()).default([]).describe('Other spellings used in plan texts'),
    validFrom: IsoDate.optional(),
    validTo: IsoDate.optional().describe('Last day the agency existed'),
    successors: z.array(Successor).default([]),
    predecessors: z.array(AgencyIdSchema).default([]),
    members: z
      .object({ kind: z.enum(['district', 'commune', 'department', 'organisation']), ids: z.array(AgencyIdSchema).optional() })
      .strict()
      .optional()
      .describe('For groups: the kind of agency the group stands for, or an explicit list'),
    note: z.string().optional(),
  })
  .strict();
export type Agency = z.infer<typeof Agency>;

export const AgencyRegisterFile = z
  .object({
    $schema: z.string().optional(),
    city: z.string(),
    source: z.string().optional(),
    agencies: z.array(Agency),
  })
  .strict()
  .superRefine((file, ctx) => {
    const ids = new Set<string>();
    file.agencies.forEach((agency, i) => {
      if (ids.has(agency.id)) ctx.addIssue({ code: 'custom', path: ['agencies', i, 'id'], message: `duplicate agency id ${agency.id}` });
      ids.add(agency.id);
    });
    file.agencies.forEach((agency, i) => {
      for (const s of agency.successors) {
        if (!ids.has(s.id)) ctx.addIssue({ code: 'custom', path: ['agencies', i, 'successors'], message: `unknown successor ${s.id}` });
      }
    });
  });
export type AgencyRegisterFile = z.infer<typeof AgencyRegisterFile>;
