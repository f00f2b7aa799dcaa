import { z } from 'zod';

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
export const AgencyIdSchema = z.string().max(100).regex(/^[a-z0-9][a-z0-9-]*$/, 'agency ids are lower-case slugs').describe('A lower-case slug of at most 100 characters');
/** Limits that keep a register upload small whatever it holds; the shipped register is far below them. */
const Name = z.string().max(300).describe('At most 300 characters');
const NoteText = z.string().max(2_000).describe('At most 2,000 characters');

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
    fields: z.array(z.string().max(200)).max(100).optional().describe('Policy fields this successor took over (at most 100, each at most 200 characters)'),
    default: z.boolean().optional().describe('Takes every field not named by another successor'),
    note: NoteText.optional(),
  })
  .strict();
export type Successor = z.infer<typeof Successor>;

export const Agency = z
  .object({
    id: AgencyIdSchema,
    name: Name.min(1),
    nameEn: Name.optional(),
    kind: AgencyKind,
    city: z.string().min(1).max(50).describe('1-50 characters'),
    subtype: z.string().max(50).optional().describe('"quận", "huyện", "thị xã", "xã", "phường" (at most 50 characters)'),
    aliases: z.array(Name).max(50).default([]).describe('Other spellings used in plan texts (at most 50, each at most 300 characters)'),
    validFrom: IsoDate.optional(),
    validTo: IsoDate.optional().describe('Last day the agency existed'),
    successors: z.array(Successor).max(50).default([]).describe('At most 50'),
    predecessors: z.array(AgencyIdSchema).max(200).default([]).describe('At most 200'),
    members: z
      .object({ kind: z.enum(['district', 'commune', 'department', 'organisation']), ids: z.array(AgencyIdSchema).max(2_000).optional().describe('At most 2,000') })
      .strict()
      .optional()
      .describe('For groups: the kind of agency the group stands for, or an explicit list'),
    note: NoteText.optional(),
    contact: z
      .object({
        name: z.string().max(200).optional().describe('At most 200 characters'),
        phone: z.string().max(50).optional().describe('At most 50 characters'),
        email: z.string().max(200).optional().describe('At most 200 characters'),
      })
      .strict()
      .optional()
      .describe('Who to remind when the report is late: the reporting officer'),
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
