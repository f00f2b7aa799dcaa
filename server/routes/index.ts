import type { Route } from '../http/route';
import { AGENCY_ROUTES } from './agencies';
import { CONSOLIDATION_ROUTES } from './consolidation';
import { PLAN_IMPORT_ROUTES } from './plan-import';
import { PLAN_ROUTES } from './plans';
import { PUBLIC_ROUTES } from './public';
import { REPORT_DOCX_ROUTES } from './report-docx';
import { REPORT_ROUTES } from './reports';
import { TOKEN_ROUTES } from './tokens';
import { WORKBOOK_ROUTES } from './workbooks';

/**
 * Every route of the API, by feature, in the order the README and the OpenAPI document list
 * them. The public ones come first: they are mounted before authentication.
 */
export const ROUTES: readonly Route[] = [...PUBLIC_ROUTES, ...TOKEN_ROUTES, ...PLAN_ROUTES, ...PLAN_IMPORT_ROUTES, ...AGENCY_ROUTES, ...REPORT_ROUTES, ...WORKBOOK_ROUTES, ...CONSOLIDATION_ROUTES, ...REPORT_DOCX_ROUTES];
