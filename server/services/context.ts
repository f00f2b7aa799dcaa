import type { CatalogService } from '../catalog-service';
import type { ServerConfig } from '../config';
import type { Store } from '../storage/types';
import { auditor } from './audit';
import type { Auditor } from './audit';
import { ConsolidationService } from './consolidation-service';
import { Lookups } from './lookups';
import { PreviousValues } from './previous-values';
import { ReportService } from './report-service';
import { UploadService } from './upload-service';

/** What every route handler works with: the store, the catalog and the services on them, built once per app. */
export interface AppContext {
  store: Store;
  catalog: CatalogService;
  config: ServerConfig;
  lookups: Lookups;
  audit: Auditor;
  previous: PreviousValues;
  reports: ReportService;
  consolidation: ConsolidationService;
  uploads: UploadService;
  /** The OpenAPI document, built from the route table when first asked for, then kept. */
  readonly openapi: Record<string, unknown>;
}

export function createContext(deps: { store: Store; catalog: CatalogService; config: ServerConfig }, buildOpenApi: () => Record<string, unknown>): AppContext {
  const { store, catalog, config } = deps;
  // Every zod schema of the table turned into JSON Schema: tens of milliseconds, for a route few call.
  let openapi: Record<string, unknown> | undefined;
  const lookups = new Lookups(catalog);
  const audit = auditor(() => config.now());
  const previous = new PreviousValues(store, lookups);
  // Reports written by another process sharing the store (PostgreSQL) make their period's values stale here too.
  store.onChange?.((change) => {
    if (change.kind === 'report') previous.periodChanged(change.planId, change.period);
    else if (change.kind === 'all') previous.forgetAll();
  });
  return {
    store,
    catalog,
    config,
    lookups,
    audit,
    previous,
    reports: new ReportService(store, config, lookups, previous, audit),
    consolidation: new ConsolidationService(store, lookups, previous, audit, () => config.now()),
    uploads: new UploadService(config),
    get openapi() {
      return (openapi ??= buildOpenApi());
    },
  };
}
