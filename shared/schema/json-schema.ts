import { z } from 'zod';
import { AgencyRegisterFile } from './agency';
import { Plan } from './plan';
import { ReportInput } from './report';

/** JSON Schemas generated from the zod schemas: the zod schema is the single source. */
export function planJsonSchema(): Record<string, unknown> {
  return withId(z.toJSONSchema(Plan, { io: 'input', unrepresentable: 'any' }), 'plan.schema.json', 'Plan file');
}

export function agencyRegisterJsonSchema(): Record<string, unknown> {
  return withId(z.toJSONSchema(AgencyRegisterFile, { io: 'input', unrepresentable: 'any' }), 'agency-register.schema.json', 'Agency register file');
}

export function reportJsonSchema(): Record<string, unknown> {
  return withId(z.toJSONSchema(ReportInput, { io: 'input', unrepresentable: 'any' }), 'report.schema.json', 'Agency report');
}

/** Repository path → schema, as written by `npm run schema`. */
export function schemaFiles(): Record<string, Record<string, unknown>> {
  return {
    'shared/schema/plan.schema.json': planJsonSchema(),
    'shared/schema/agency-register.schema.json': agencyRegisterJsonSchema(),
    'shared/schema/report.schema.json': reportJsonSchema(),
  };
}

function withId(schema: Record<string, unknown>, id: string, title: string): Record<string, unknown> {
  return { ...schema, $id: id, title };
}
