/** The plan importer: a plan's appendix table → a draft plan and its findings (see import.ts). */
export { importPlanTable } from './import';
export { IMPORT_LIMITS } from './types';
export type { ImportFinding, PlanDraft, PlanMeta, PlanTableInput } from './types';
