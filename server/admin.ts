import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { parseCommuneCsv } from '../shared/agencies/communes-csv';
import { Agency } from '../shared/schema/agency';
import { PLAN_USAGE, planCommand } from './admin-plans';
import { newToken } from './auth';
import { CatalogService } from './catalog-service';
import { configFromEnv } from './config';
import { holderOf } from './lock';
import { openLowdbStore, openMemoryStore } from './storage/lowdb-store';
import { moveToPg } from './storage/migrate-to-pg';
import { migrateCommand } from './storage/pg-migrate';
import { openPgStore } from './storage/pg-store';
import type { AuditEntry, Store } from './storage/types';

/**
 * `npm run admin -- <command>`: manage agencies, tokens and communes in DATA_DIR while the
 * server is stopped (lowdb has one writer; with the server running, use the API), or in the
 * PostgreSQL database of DATABASE_URL (servers may run meanwhile).
 *
 *   db migrate                      (DATABASE_URL: apply the schema's migrations; npm run db:migrate)
 *   migrate --to URL [--replace] [--verify-only]   (copy DATA_DIR's embedded store into PostgreSQL and verify; see storage/migrate-to-pg.ts)
 *   token issue --role agency|consolidator|admin [--agency ID] --label TEXT
 *   token revoke ID
 *   token list
 *   agency add FILE.json            (one agency or a list, the register's format)
 *   communes import FILE.csv [--city hanoi] [--prefix hn]
 *   lead move --plan ID --indicator CODE --agency ID --from YYYY-MM-DD
 *   plan check FILE.json [--json]  (every problem at once, as POST /api/plans/check; exit 1 on errors)
 *   plan add FILE.json | plan list [--retired] | plan retire|restore --plan ID [--revision N] --reason TEXT
 */
export async function runAdmin(argv: string[], out: (line: string) => void = console.log): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      agency: { type: 'string' },
      label: { type: 'string' },
      city: { type: 'string', default: 'hanoi' },
      prefix: { type: 'string', default: 'hn' },
      plan: { type: 'string' },
      indicator: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      replace: { type: 'boolean', default: false },
      'verify-only': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      retired: { type: 'boolean', default: false },
      revision: { type: 'string' },
      reason: { type: 'string' },
    },
  });
  const [area, command, arg] = positionals;
  const config = configFromEnv();
  if (area === 'db' && command === 'migrate') return migrateCommand(config.databaseUrl, out);
  if (area === 'migrate') {
    if (!values.to) return (out('Usage: npm run admin -- migrate --to "$DATABASE_URL" [--replace] [--verify-only]'), 1);
    const idempotencyTtlMs = config.idempotencyTtlHours !== undefined ? config.idempotencyTtlHours * 3600_000 : undefined;
    return moveToPg({ dataDir: config.dataDir, url: values.to, replace: values.replace, verifyOnly: values['verify-only'], settings: config.postgres, idempotencyTtlMs, out });
  }
  // PostgreSQL has many writers; the embedded store one, so not while the server runs.
  const holder = config.databaseUrl ? null : holderOf(config.dataDir);
  // A check writes nothing: with the server running it is made against the shipped catalog and register.
  const checkOnly = area === 'plan' && command === 'check';
  if (holder !== null && checkOnly) out(`The server (pid ${holder}) is using ${config.dataDir}: checked against the shipped catalog and register only (POST /api/plans/check sees what was added).`);
  if (holder !== null && !checkOnly) {
    out(`The server (pid ${holder}) is using ${config.dataDir}. Stop it, or do this through the API with an admin token.`);
    return 3;
  }
  const store = holder !== null ? await openMemoryStore() : config.databaseUrl ? await openPgStore({ url: config.databaseUrl, settings: config.postgres, log: out }) : await openLowdbStore({ dataDir: config.dataDir });
  try {
    const catalog = await CatalogService.open(store);
    const audit = (action: string, detail: unknown): AuditEntry => ({ at: config.now().toISOString(), actor: 'admin-cli', action, detail });
    const fail = (message: string) => {
      out(message);
      return 1;
    };
    if (area === 'token' && command === 'issue') {
      const role = z.enum(['agency', 'consolidator', 'admin']).safeParse(values.role);
      if (!role.success) return fail('--role must be agency, consolidator or admin');
      const agencyId = role.data === 'agency' ? (values.agency ?? '') : null;
      if (agencyId !== null && !catalog.snapshot.register.has(agencyId)) return fail('--agency must name an agency of the register');
      if (!values.label) return fail('--label is required (who holds the token)');
      const { secret, record } = newToken(role.data, agencyId, values.label, config.now());
      await store.addToken(record, audit('issue-token', { id: record.id, role: record.role, agencyId: record.agencyId }));
      out(`Token ${record.id} (${record.role}${record.agencyId ? `, ${record.agencyId}` : ''}). Secret, shown once:`);
      out(secret);
      return 0;
    }
    if (area === 'token' && command === 'revoke' && arg) {
      const done = await store.revokeToken(arg, config.now().toISOString(), audit('revoke-token', { id: arg }));
      return done ? (out(`Revoked ${arg}`), 0) : fail(`No token ${arg}`);
    }
    if (area === 'token' && command === 'list') {
      for (const t of await store.listTokens()) out(`${t.id}\t${t.role}\t${t.agencyId ?? '-'}\t${t.revokedAt ? `revoked ${t.revokedAt}` : 'active'}\t${t.label}`);
      return 0;
    }
    if (area === 'agency' && command === 'add' && arg) {
      const json: unknown = JSON.parse(readFileSync(arg, 'utf8'));
      const parsed = z.array(Agency).safeParse(Array.isArray(json) ? json : [json]);
      if (!parsed.success) return fail(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));
      await store.upsertAgencies(parsed.data, audit('upsert-agencies', { ids: parsed.data.map((a) => a.id) }));
      out(`Stored ${parsed.data.length} agencies`);
      return 0;
    }
    if (area === 'communes' && command === 'import' && arg) {
      const result = parseCommuneCsv(readFileSync(arg, 'utf8'), { city: values.city, idPrefix: values.prefix, register: catalog.snapshot.register });
      for (const f of result.findings) out(`line ${f.line}: ${f.message.vi} / ${f.message.en}`);
      if (result.agencies.length > 0) await store.upsertAgencies(result.agencies, audit('import-communes', { count: result.agencies.length }));
      out(`Imported ${result.agencies.length} communes, skipped ${result.findings.length} rows with findings`);
      return result.agencies.length > 0 ? 0 : 1;
    }
    if (area === 'lead' && command === 'move') {
      const plan = values.plan ? catalog.snapshot.plans.get(values.plan) : undefined;
      if (!plan) return fail('--plan must name a plan of the catalog');
      if (!values.indicator || !plan.indicators.has(values.indicator)) return fail('--indicator must be a code of that plan');
      if (!values.agency || !catalog.snapshot.register.has(values.agency)) return fail('--agency must name an agency of the register');
      if (!values.from || !/^\d{4}-\d{2}-\d{2}$/.test(values.from)) return fail('--from must be a date YYYY-MM-DD');
      const change = { planId: plan.plan.id, indicator: values.indicator, agencyId: values.agency, from: values.from, by: 'admin-cli', at: config.now().toISOString() };
      await store.addLeadChange(change, audit('reassign-lead', change));
      out(`Indicator ${values.indicator} of ${plan.plan.id} is led by ${values.agency} from ${values.from}`);
      return 0;
    }
    if (area === 'plan') return await planCommand({ command, file: arg, values, catalog, store, audit, now: config.now, out });
    return fail(`Usage: npm run admin -- db migrate, migrate --to URL, token issue|revoke|list, agency add FILE, communes import FILE.csv, lead move, ${PLAN_USAGE} (see server/admin.ts)`);
  } finally {
    await (store as Store).close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runAdmin(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
