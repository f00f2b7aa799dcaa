import type { Request, Response } from 'express';
import { requireReportAccess } from '../auth';
import { apiError, errorBody } from '../errors';
import type { AppContext } from '../services/context';
import type { WriteConditions } from '../services/conditions';
import type { WriteOutcome } from '../services/report-service';
import { etagOf, view, writeResponse } from '../services/report-view';
import type { ReportRevision } from '../storage/types';

/** The path of one report, shared by the report and workbook routes. */
export const REPORT_PATH = '/api/plans/{planId}/periods/{period}/reports/{agencyId}';

/** An agency reads (and writes) only its own reports: checked before the plan or body is looked at. */
export const ownReport =
  (write: boolean) =>
  (req: Request, _ctx: AppContext): void =>
    void requireReportAccess(req, String(req.params.agencyId ?? ''), write);

/** The write headers of the request (If-Match, If-None-Match, Idempotency-Key). */
export function conditionsOf(req: Request): WriteConditions {
  return { ifMatch: req.get('If-Match'), ifNoneMatch: req.get('If-None-Match'), idempotencyKey: req.get('Idempotency-Key'), request: `${req.method} ${req.baseUrl}${req.path}` };
}

/** 412 with the revision that is current, so the client can show both and let a person choose. */
function preconditionFailed(res: Response, current: ReportRevision | null): void {
  if (current) res.set('ETag', etagOf(current.revision));
  const error = apiError('precondition-failed');
  res.status(error.status).json({ ...errorBody(error.code, error.text, { currentRevision: current?.revision ?? 0 }), current: current ? view(current) : null });
}

/** A save's answer: the revision with its validation and ETag, or 412. */
export function sendWrite(res: Response, outcome: WriteOutcome): void {
  if (!outcome.ok) {
    preconditionFailed(res, outcome.current);
    return;
  }
  res.status(outcome.status).set('ETag', etagOf(outcome.report.revision));
  if (outcome.replayed) res.set('Idempotent-Replayed', 'true');
  res.json(writeResponse(outcome.report));
}

/** A status change's answer: the new revision and its ETag, or 412. */
export function sendStatusChange(res: Response, outcome: WriteOutcome): void {
  if (!outcome.ok) {
    preconditionFailed(res, outcome.current);
    return;
  }
  res.set('ETag', etagOf(outcome.report.revision)).json({ report: view(outcome.report) });
}
