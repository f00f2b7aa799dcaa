import { z } from 'zod';

/**
 * The small vocabularies the plan schema, the target parser and the number reader share.
 * They live apart from plan.ts so that the parser and the reader need not import the plan
 * schema (which would make plan.ts → targets/parse.ts → numbers.ts → plan.ts a cycle).
 */

export const Severity = z.enum(['error', 'warning', 'info']);
export type Severity = z.infer<typeof Severity>;

export const ValueType = z.enum(['percent', 'number', 'integer', 'qualitative']);
export type ValueType = z.infer<typeof ValueType>;

export const Polarity = z.enum(['higher', 'lower', 'band']);
export type Polarity = z.infer<typeof Polarity>;
