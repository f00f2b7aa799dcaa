import { readFileSync } from 'node:fs';
import type { PlanCheck, PlanProblem } from '../shared/plan-check';
import { checkPlanText } from '../shared/plan-check';
import type { CatalogService } from './catalog-service';
import type { AuditEntry, PlanRetirement, Store } from './storage/types';

/**
 * `npm run admin -- plan …`: check a plan file (printing what POST /api/plans/check answers),
 * add it, list the catalog with what is retired, retire or restore a plan or one revision.
 */
export interface PlanCommandInput {
  command: string | undefined;
  file: string | undefined;
  values: { json?: boolean; plan?: string; revision?: string; reason?: string; retired?: boolean };
  catalog: CatalogService;
  store: Store;
  audit: (action: string, detail: unknown) => AuditEntry;
  now: () => Date;
  out: (line: string) => void;
}

export const PLAN_USAGE =
  'plan check FILE.json [--json] | plan add FILE.json | plan list [--retired] | plan retire --plan ID [--revision N] --reason TEXT | plan restore --plan ID [--revision N] --reason TEXT';

const SEVERITY = { error: 'LỖI / ERROR', warning: 'CẢNH BÁO / WARNING', info: 'GHI CHÚ / NOTE' } as const;

/** The check as people read it: each problem in both languages with its hint, then how every target was read. */
export function printCheck(check: PlanCheck, out: (line: string) => void): void {
  const count = (severity: PlanProblem['severity']) => check.problems.filter((p) => p.severity === severity).length;
  const errors = count('error');
  const warnings = count('warning');
  out(check.ok ? `Có thể thêm / can be added (${warnings} cảnh báo / warnings)` : `Chưa thêm được / cannot be added: ${errors} lỗi / errors, ${warnings} cảnh báo / warnings`);
  for (const p of check.problems) {
    out('');
    out(`${SEVERITY[p.severity]}  ${p.path}  [${p.code}]`);
    out(`  ${p.message.vi}`);
    out(`  ${p.message.en}`);
    out(`  → ${p.hint.vi} / ${p.hint.en}`);
  }
  if (check.targets.length === 0) return;
  out('');
  out('Chỉ tiêu đọc được như sau / how each target was read:');
  for (const t of check.targets) {
    const reading = t.reading ? `${t.reading.vi} / ${t.reading.en}` : 'không đọc được / not understood';
    out(`  ${t.indicator}  ${t.year}  "${t.text}"  → ${reading}${t.judgedByHand ? '  (đánh giá thủ công / judged by hand)' : ''}`);
  }
}

/** The check of a file against the catalog and register this store holds. */
function checkFile(catalog: CatalogService, file: string): PlanCheck {
  return checkPlanText(readFileSync(file, 'utf8'), {
    register: catalog.snapshot.register,
    existingRevision: (id) => catalog.snapshot.status.get(id)?.revisions.at(-1),
  });
}

function listPlans(input: PlanCommandInput): number {
  const { plans, status } = input.catalog.snapshot;
  for (const compiled of [...plans.values()].sort((a, b) => a.plan.id.localeCompare(b.plan.id))) {
    const s = status.get(compiled.plan.id);
    const retirement = s?.retirement ?? null;
    if (retirement && !input.values.retired) continue;
    const state = retirement
      ? `ngừng áp dụng / retired ${retirement.at} by ${retirement.by}: ${retirement.reason}`
      : 'đang áp dụng / in force';
    const others = [...(s?.retired.keys() ?? [])].filter((r): r is number => r !== null);
    const revisions = others.length > 0 ? ` (retired revisions: ${others.join(', ')})` : '';
    input.out(`${compiled.plan.id}\tr${compiled.plan.revision}\t${state}${revisions}\t${compiled.plan.title}`);
  }
  return 0;
}

/** Retires (or restores) a plan or one revision; the same rules as POST /api/plans/{planId}/retire. */
async function setRetired(input: PlanCommandInput, retired: boolean): Promise<number> {
  const { values, catalog, out } = input;
  const status = values.plan ? catalog.snapshot.status.get(values.plan) : undefined;
  if (!values.plan || !status) return (out('--plan must name a plan of the catalog'), 1);
  const revision = values.revision === undefined ? null : Number(values.revision);
  if (revision !== null && !status.revisions.includes(revision)) return (out(`--revision must be one of ${status.revisions.join(', ')}`), 1);
  const reason = values.reason?.trim() ?? '';
  if (reason.length < 1 || reason.length > 1_000) return (out('--reason is required (1-1,000 characters)'), 1);
  const current = status.retired.get(revision);
  if (retired === Boolean(current)) return (out(retired ? `${values.plan} is retired already (${current?.reason ?? ''})` : `${values.plan} is not retired`), 1);
  const record: PlanRetirement = { planId: values.plan, revision, retired, reason, by: 'admin-cli', at: input.now().toISOString() };
  await input.store.addPlanRetirement(record, input.audit(retired ? 'retire-plan' : 'restore-plan', record));
  await catalog.reload();
  const after = catalog.snapshot;
  const inForce = after.status.get(values.plan)?.retirement ? null : after.plans.get(values.plan)?.plan.revision;
  const which = revision === null ? values.plan : `${values.plan} revision ${revision}`;
  out(`${retired ? 'Retired' : 'Restored'} ${which}; ${inForce ? `revision ${inForce} is in force` : 'the plan takes no new reports'}`);
  return 0;
}

export async function planCommand(input: PlanCommandInput): Promise<number> {
  const { command, file, out } = input;
  if ((command === 'check' || command === 'add') && file) {
    const check = checkFile(input.catalog, file);
    if (command === 'check' && input.values.json) out(JSON.stringify({ ok: check.ok, problems: check.problems, targets: check.targets }, null, 2));
    else printCheck(check, out);
    if (command === 'check' || !check.compiled) return check.ok ? 0 : 1;
    const { id, revision } = check.compiled.plan;
    await input.store.addPlanFile(JSON.parse(readFileSync(file, 'utf8').replace(/^\ufeff/, '')), input.audit('add-plan', { planId: id, revision }));
    out(`Added ${id} revision ${revision}`);
    return 0;
  }
  if (command === 'list') return listPlans(input);
  if (command === 'retire' || command === 'restore') return setRetired(input, command === 'retire');
  out(`Usage: npm run admin -- ${PLAN_USAGE}`);
  return 1;
}
