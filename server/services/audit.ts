import { createHash } from 'node:crypto';
import type { Principal } from '../auth';
import type { AuditEntry, ReportKey } from '../storage/types';
import { jsonText } from '../storage/json-text';

/** A text longer than this is recorded in the audit by its hash, length and first characters. */
export const AUDIT_TEXT_LIMIT = 200;
/** Bytes of JSON an audit entry may take; the changes that do not fit are counted and hashed. */
export const AUDIT_ENTRY_MAX_BYTES = 64 * 1024;
const AUDIT_DEPTH_LIMIT = 8;

export type Auditor = (principal: Principal, action: string, key?: Partial<ReportKey>, extra?: Partial<AuditEntry>) => AuditEntry;

/** The audit entry of one action: who, when, on what, bounded in size (boundedAudit). */
export function auditor(now: () => Date): Auditor {
  return (principal, action, key, extra = {}) =>
    boundedAudit({
      at: now().toISOString(),
      actor: principal.tokenId,
      action,
      ...(key?.planId ? { planId: key.planId } : {}),
      ...(key?.period ? { period: key.period } : {}),
      ...(key?.agencyId ? { agencyId: key.agencyId } : {}),
      ...extra,
    });
}

/** The text itself when short; otherwise { sha256, length, start }: the stored revision holds it in full. */
function auditText(value: string): unknown {
  if (value.length <= AUDIT_TEXT_LIMIT) return value;
  return { sha256: createHash('sha256').update(value, 'utf8').digest('hex'), length: value.length, start: value.slice(0, 40) };
}

function shortenTexts(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return auditText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= AUDIT_DEPTH_LIMIT) return '[…]';
  if (Array.isArray(value)) return value.map((v) => shortenTexts(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [auditText(k) === k ? k : `${k.slice(0, 40)}…`, shortenTexts(v, depth + 1)]));
}

const jsonBytes = (value: unknown) => Buffer.byteLength(jsonText(value) ?? '', 'utf8');

/**
 * Every audit entry the API writes: long texts by hash, and at most AUDIT_ENTRY_MAX_BYTES.
 * Over the cap, the changes that fit are kept in order and detail.omittedChanges gives the
 * count and SHA-256 of the rest (each change as one JSON line); a detail too large becomes
 * its own hash. The full figures are in the stored revisions (GET …/history).
 */
export function boundedAudit(entry: AuditEntry): AuditEntry {
  const short = shortenTexts(entry) as AuditEntry;
  if (jsonBytes(short) <= AUDIT_ENTRY_MAX_BYTES) return short;
  const { changes = [], detail, ...head } = short;
  let budget = AUDIT_ENTRY_MAX_BYTES - jsonBytes(head) - 1_024;
  const detailBytes = jsonBytes(detail);
  const keptDetail = detailBytes > budget / 2 ? { sha256: createHash('sha256').update(JSON.stringify(detail)).digest('hex'), bytes: detailBytes } : detail;
  budget -= jsonBytes(keptDetail);
  const kept: typeof changes = [];
  const rest = createHash('sha256');
  let omitted = 0;
  for (const change of changes) {
    const bytes = jsonBytes(change) + 1;
    if (omitted === 0 && bytes <= budget) {
      kept.push(change);
      budget -= bytes;
    } else {
      omitted++;
      rest.update(`${JSON.stringify(change)}\n`);
    }
  }
  const omittedChanges = omitted > 0 ? { omittedChanges: { count: omitted, sha256: rest.digest('hex') } } : {};
  const merged = keptDetail !== null && typeof keptDetail === 'object' && !Array.isArray(keptDetail) ? { ...keptDetail, ...omittedChanges } : keptDetail === undefined ? omittedChanges : { value: keptDetail, ...omittedChanges };
  return { ...head, ...(kept.length > 0 ? { changes: kept } : {}), ...(Object.keys(merged).length > 0 ? { detail: merged } : {}) };
}
