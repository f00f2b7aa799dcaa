import type { CompiledPlan } from '../../shared/compile';
import { UPLOAD_LIMITS } from '../config';
import type { ServerConfig } from '../config';
import { apiError } from '../errors';
import { Slots } from '../slots';
import type { ReportKey } from '../storage/types';
import { openUploadedWorkbook, readTemplateUpload } from '../xlsx/read';
import type { OpenedWorkbook } from '../xlsx/read';

export type TemplateReading = Extract<Awaited<ReturnType<typeof readTemplateUpload>>, { ok: true }>;

/**
 * Reading an uploaded workbook, the costliest request there is: a few at a time, a short
 * queue, then 503 upload-busy; the reader's refusals as upload-<code>; a template of another
 * plan, agency, period or revision as 422 upload-wrong-template.
 */
export class UploadService {
  private readonly limits;
  private readonly slots: Slots;

  constructor(private readonly config: ServerConfig) {
    this.limits = config.uploads ?? UPLOAD_LIMITS;
    this.slots = new Slots(this.limits.concurrent, this.limits.queue);
  }

  async read(buffer: Buffer, plan: CompiledPlan, key: ReportKey): Promise<TemplateReading> {
    const limits = this.limits;
    const slot = await this.slots.run(() =>
      readTemplateUpload(buffer, { maxBytes: this.config.uploadLimitBytes, maxUnpackedBytes: limits.maxUnpackedBytes, maxPartBytes: limits.maxPartBytes, maxZipEntries: limits.maxZipEntries }),
    );
    if (slot.busy) throw apiError('upload-busy', { details: { concurrent: limits.concurrent, queue: limits.queue }, headers: { 'Retry-After': '5' } });
    const reading = slot.value;
    if (!reading.ok) throw apiError(`upload-${reading.code}`, { params: reading.params });
    const mismatch = templateMismatch(reading.metadata, plan, key);
    if (mismatch.length > 0) throw apiError('upload-wrong-template', { details: mismatch });
    return reading;
  }

  /** Any workbook (a plan's appendix table), opened in an upload slot under the same limits; a refusal is upload-<code>. */
  async openWorkbook(buffer: Buffer): Promise<Extract<OpenedWorkbook, { ok: true }>> {
    const limits = this.limits;
    const slot = await this.slots.run(() =>
      openUploadedWorkbook(buffer, { maxBytes: this.config.uploadLimitBytes, maxUnpackedBytes: limits.maxUnpackedBytes, maxPartBytes: limits.maxPartBytes, maxZipEntries: limits.maxZipEntries }),
    );
    if (slot.busy) throw apiError('upload-busy', { details: { concurrent: limits.concurrent, queue: limits.queue }, headers: { 'Retry-After': '5' } });
    const opened = slot.value;
    if (!opened.ok) throw apiError(`upload-${opened.code}`, { params: opened.params });
    return opened;
  }
}

/** Where the workbook's template information differs from the report it is sent to. */
function templateMismatch(meta: Record<string, string>, plan: CompiledPlan, key: ReportKey): Array<{ field: string; expected: string; found: string }> {
  const expected: Record<string, string> = { planId: key.planId, agencyId: key.agencyId, period: key.period, revision: String(plan.plan.revision) };
  return Object.entries(expected)
    .filter(([field, value]) => meta[field] !== value)
    .map(([field, value]) => ({ field, expected: value, found: String(meta[field]) }));
}
