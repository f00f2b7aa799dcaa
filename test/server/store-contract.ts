import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  ReportRevision,
  type AuditEntry,
  type IdempotencyRecord,
  type Judgement,
  type LeadChange,
  type PlanRetirement,
  type PutOutcome,
  type ReportKey,
  type ReportWrite,
  type Store,
  type TokenRecord,
} from '../../server/storage/types';
import type { Agency } from '../../shared/schema/agency';

/**
 * The behaviour every `Store` must have (lowdb today, PostgreSQL later). `open` gives a fresh,
 * empty store per test; `cleanup` closes it and removes whatever it left (files, schema).
 *
 * Only store-agnostic behaviour is tested here: a put that depends on an earlier put waits
 * for it, so nothing relies on one implementation's ordering of concurrent writes.
 */
export interface OpenedForContract {
  store: Store;
  cleanup: () => Promise<void>;
  /**
   * Stores shared by several processes (PostgreSQL): opens another store on the same data,
   * as a second server process would (closed by `cleanup` or by the test).
   */
  another?: () => Promise<Store>;
}

/** `sharedByProcesses`: the store is meant for several processes; `open` then gives `another`, and those tests run too. */
export function storeContract(name: string, open: () => Promise<OpenedForContract>, options: { sharedByProcesses?: boolean } = {}): void {
  describe(`Store contract: ${name}`, function () {
    this.timeout(60_000);
    let store: Store;
    let cleanup: () => Promise<void>;
    let another: (() => Promise<Store>) | undefined;

    beforeEach(async () => {
      ({ store, cleanup, another } = await open());
    });
    afterEach(async () => {
      await cleanup();
    });

    async function second(): Promise<Store> {
      if (!another) throw new Error(`${name} is shared by processes but its open() gives no "another"`);
      return another();
    }

    if (options.sharedByProcesses) {
      it('shared by processes: of 100 writes of the same revision through two stores exactly one wins, and both see it', async () => {
        const other = await second();
        const key = reportKey();
        for (let revision = 0; revision < 3; revision++) {
          const outcomes = await Promise.all(
            Array.from({ length: 100 }, (_, i) => (i % 2 ? store : other).putReport(key, revision, reportWrite(key, i), { audit: audit('report.put') })),
          );
          assert.equal(outcomes.filter((o) => o.ok).length, 1, `revision ${revision + 1}`);
        }
        assert.deepEqual(await store.history(key), await other.history(key));
        assert.deepEqual((await other.history(key)).map((r) => r.revision), [1, 2, 3]);
      });

      it('shared by processes: the idempotency record, tokens, judgements and the catalog written through one store are read through the other', async () => {
        const other = await second();
        const key = reportKey();
        const record = idempotencyRecord('tok-1', 'shared-key', { revision: 1 });
        ok(await store.putReport(key, 0, reportWrite(key, 1), { audit: audit('report.put'), idempotency: record }));
        assert.deepEqual(await other.findIdempotency('tok-1', 'shared-key'), record);
        assert.deepEqual(await other.listReports({ planId: key.planId }), await store.listReports({ planId: key.planId }));
        const t = token('tok-shared', 'secret-shared', 'agency', 'agency-1');
        await other.addToken(t, audit('token.add'));
        assert.deepEqual(await store.findTokenByHash(t.hash), t);
        assert.equal(await store.revokeToken(t.id, '2026-01-02T00:00:00.000Z', audit('token.revoke')), true);
        assert.equal(await other.revokeToken(t.id, '2026-01-03T00:00:00.000Z', audit('token.revoke')), false, 'revoked once, by whichever came first');
        await other.upsertAgencies([agency('xa-shared', 'Xã Chung')], audit('agency.upsert'));
        assert.deepEqual((await store.listAgencies()).map((a) => a.id), ['xa-shared']);
        const j: Judgement = { planId: 'hn-x', period: '2023', indicator: '5', verdict: 'met', reason: 'r', by: 'tok-c', at: '2023-12-20T08:00:00.000Z' };
        await store.putJudgement(j, audit('judge'));
        assert.deepEqual(await other.listJudgements({ planId: 'hn-x' }), [j]);
      });
    }

    it('reports itself healthy while open', async () => {
      assert.deepEqual(store.health(), { ok: true, closed: false, failed: null, lastWriteError: null });
    });

    it('stores a write whose audit entry cannot be serialised (a cycle, a BigInt, a huge value)', async () => {
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      const key = reportKey();
      ok(await store.putReport(key, 0, reportWrite(key, 1), { audit: audit('report.put', { detail: cyclic }) }));
      ok(await store.putReport(key, 1, reportWrite(key, 2), { audit: audit('report.put', { detail: { n: BigInt(1) } }) }));
      ok(await store.putReport(key, 2, reportWrite(key, 3), { audit: audit('report.put', { changes: [{ path: 'x', from: 'a'.repeat(300_000), to: 'b'.repeat(300_000) }] }) }));
      assert.deepEqual((await store.history(key)).map((r) => r.revision), [1, 2, 3]);
    });

    it('starts empty', async () => {
      const key = reportKey();
      assert.equal(await store.getReport(key), null);
      assert.deepEqual(await store.history(key), []);
      assert.deepEqual(await store.listReports({ planId: key.planId }), []);
      assert.deepEqual(await store.listTokens(), []);
      assert.deepEqual(await store.listPlanFiles(), []);
      assert.deepEqual(await store.listAgencies(), []);
      assert.deepEqual(await store.listLeadChanges(), []);
      assert.deepEqual(await store.listPlanRetirements(), []);
      assert.deepEqual(await store.listJudgements({ planId: key.planId }), []);
      assert.equal(await store.findIdempotency('tok-1', 'k-1'), null);
    });

    it('numbers revisions from 1, one more per write, and stamps savedAt', async () => {
      const key = reportKey();
      const before = Date.now();
      const first = ok(await store.putReport(key, 0, reportWrite(key, 1), { audit: audit('report.put') }));
      assert.equal(first.revision, 1);
      const second = ok(await store.putReport(key, 1, reportWrite(key, 2), { audit: audit('report.put') }));
      assert.equal(second.revision, 2);
      const third = ok(await store.putReport(key, 2, reportWrite(key, 3), { audit: audit('report.put') }));
      assert.equal(third.revision, 3);
      for (const r of [first, second, third]) {
        assert.match(r.savedAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
        assert.ok(Date.parse(r.savedAt) >= before - 1000, 'savedAt is the time of the write');
      }
      assert.deepEqual(await store.getReport(key), third);
      assert.equal(first.entries[0]!.value, 1);
      assert.equal(third.entries[0]!.value, 3);
    });

    it('returns the write as stored: every field of the write plus revision and savedAt', async () => {
      const key = reportKey();
      const write = reportWrite(key, 42);
      const stored = ok(await store.putReport(key, 0, write, { audit: audit('report.put') }));
      const { revision, savedAt, ...rest } = stored;
      assert.equal(revision, 1);
      assert.equal(typeof savedAt, 'string');
      assert.deepEqual(rest, write);
    });

    it('refuses a stale or future expectedRevision with the current revision, and changes nothing', async () => {
      const key = reportKey();
      assert.deepEqual(await store.putReport(key, 1, reportWrite(key, 1), { audit: audit('report.put') }), {
        ok: false,
        reason: 'conflict',
        current: null,
      });
      ok(await store.putReport(key, 0, reportWrite(key, 1), { audit: audit('report.put') }));
      const second = ok(await store.putReport(key, 1, reportWrite(key, 2), { audit: audit('report.put') }));
      for (const expected of [0, 1, 3, 99]) {
        const outcome = await store.putReport(key, expected, reportWrite(key, 100 + expected), { audit: audit('report.put') });
        assert.equal(outcome.ok, false, `expectedRevision ${expected}`);
        assert.ok(!outcome.ok && outcome.reason === 'conflict');
        assert.deepEqual(outcome.current, second);
      }
      assert.deepEqual(
        (await store.history(key)).map((r) => r.revision),
        [1, 2],
      );
    });

    it('lets exactly one of 200 concurrent writes with the same expectedRevision through', async () => {
      const key = reportKey();
      const outcomes = await Promise.all(
        Array.from({ length: 200 }, (_, i) => store.putReport(key, 0, reportWrite(key, i), { audit: audit('report.put') })),
      );
      const winners = outcomes.filter((o) => o.ok);
      assert.equal(winners.length, 1);
      const winner = ok(winners[0]!);
      assert.equal(winner.revision, 1);
      for (const o of outcomes) {
        if (o.ok) continue;
        assert.equal(o.reason, 'conflict');
        // The loser sees the winner's revision, or none when it was decided first.
        if (o.current) assert.equal(o.current.revision, 1);
      }
      const history = await store.history(key);
      assert.equal(history.length, 1);
      assert.deepEqual(history[0], winner);
    });

    it('keeps every history consistent under 500 concurrent writes to 50 keys', async () => {
      const keys = Array.from({ length: 50 }, (_, i) => reportKey({ agencyId: `agency-${i}` }));
      const perKey = 10;
      const results = await Promise.all(
        keys.map(async (key) => {
          const revisions: number[] = [];
          for (let step = 1; step <= perKey; step++) {
            const r = ok(await store.putReport(key, step - 1, reportWrite(key, step), { audit: audit('report.put') }));
            revisions.push(r.revision);
          }
          return revisions;
        }),
      );
      for (const revisions of results) assert.deepEqual(revisions, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      for (const key of keys) {
        const history = await store.history(key);
        assert.deepEqual(
          history.map((r) => r.revision),
          [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        );
        assert.deepEqual(
          history.map((r) => r.entries[0]!.value),
          [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
          'each revision holds the write that produced it',
        );
        for (const r of history) {
          assert.equal(r.agencyId, key.agencyId);
        }
      }
      const listed = await store.listReports({ planId: keys[0]!.planId });
      assert.equal(listed.length, 50);
      assert.ok(listed.every((r) => r.revision === perKey));
    });

    it('returns the history oldest first', async () => {
      const key = reportKey();
      const statuses = ['draft', 'submitted', 'returned', 'submitted', 'approved'] as const;
      for (const [i, status] of statuses.entries()) {
        ok(await store.putReport(key, i, { ...reportWrite(key, i), status }, { audit: audit('report.put') }));
      }
      const history = await store.history(key);
      assert.deepEqual(
        history.map((r) => [r.revision, r.status, r.entries[0]!.value]),
        statuses.map((s, i) => [i + 1, s, i]),
      );
      const times = history.map((r) => Date.parse(r.savedAt));
      assert.deepEqual(
        times,
        [...times].sort((a, b) => a - b),
        'savedAt never goes back',
      );
    });

    it('lists the latest revision of each report, filtered by plan, period and agency', async () => {
      const a1p1 = reportKey({ planId: 'plan-a', period: '2024', agencyId: 'agency-1' });
      const a2p1 = reportKey({ planId: 'plan-a', period: '2024', agencyId: 'agency-2' });
      const a1p2 = reportKey({ planId: 'plan-a', period: '2025-6M', agencyId: 'agency-1' });
      const b1p1 = reportKey({ planId: 'plan-b', period: '2024', agencyId: 'agency-1' });
      for (const key of [a1p1, a2p1, a1p2, b1p1]) ok(await store.putReport(key, 0, reportWrite(key, 1), { audit: audit('report.put') }));
      ok(await store.putReport(a1p1, 1, reportWrite(a1p1, 2), { audit: audit('report.put') }));
      ok(await store.putReport(a1p1, 2, reportWrite(a1p1, 3), { audit: audit('report.put') }));

      const ids = (list: ReportRevision[]) => list.map((r) => `${r.planId}|${r.period}|${r.agencyId}@${r.revision}`).sort();
      assert.deepEqual(ids(await store.listReports({ planId: 'plan-a' })), ['plan-a|2024|agency-1@3', 'plan-a|2024|agency-2@1', 'plan-a|2025-6M|agency-1@1']);
      assert.deepEqual(ids(await store.listReports({ planId: 'plan-a', period: '2024' })), ['plan-a|2024|agency-1@3', 'plan-a|2024|agency-2@1']);
      assert.deepEqual(ids(await store.listReports({ planId: 'plan-a', agencyId: 'agency-1' })), ['plan-a|2024|agency-1@3', 'plan-a|2025-6M|agency-1@1']);
      assert.deepEqual(ids(await store.listReports({ planId: 'plan-a', period: '2025-6M', agencyId: 'agency-1' })), ['plan-a|2025-6M|agency-1@1']);
      assert.deepEqual(ids(await store.listReports({ planId: 'plan-b' })), ['plan-b|2024|agency-1@1']);
      assert.deepEqual(await store.listReports({ planId: 'plan-c' }), []);
      assert.deepEqual(await store.listReports({ planId: 'plan-a', period: '2023' }), []);
      const latest = (await store.listReports({ planId: 'plan-a', period: '2024', agencyId: 'agency-1' }))[0]!;
      assert.deepEqual(latest, await store.getReport(a1p1));
      assert.equal(latest.entries[0]!.value, 3);
    });

    it('stores the idempotency record with the put and finds it again, per scope', async () => {
      const key = reportKey();
      const record = idempotencyRecord('tok-1', 'key-1', { revision: 1 });
      const put = ok(await store.putReport(key, 0, reportWrite(key, 1), { audit: audit('report.put'), idempotency: record }));
      assert.equal(put.revision, 1);
      assert.deepEqual(await store.findIdempotency('tok-1', 'key-1'), record);
      assert.equal(await store.findIdempotency('tok-2', 'key-1'), null, 'another caller never sees it');
      assert.equal(await store.findIdempotency('tok-1', 'key-2'), null);
      assert.equal(await store.findIdempotency('tok-1|key', '1'), null);
    });

    it('does not store the idempotency record of a refused (conflicting) put', async () => {
      const key = reportKey();
      ok(await store.putReport(key, 0, reportWrite(key, 1), { audit: audit('report.put') }));
      const outcome = await store.putReport(key, 0, reportWrite(key, 2), {
        audit: audit('report.put'),
        idempotency: idempotencyRecord('tok-1', 'key-9', {}),
      });
      assert.equal(outcome.ok, false);
      assert.equal(await store.findIdempotency('tok-1', 'key-9'), null);
    });

    it('makes the idempotency record visible exactly when the put is', async () => {
      const keys = Array.from({ length: 20 }, (_, i) => reportKey({ agencyId: `agency-${i}` }));
      await Promise.all(
        keys.map(async (key, i) => {
          const record = idempotencyRecord('tok-1', `k-${i}`, { i });
          ok(await store.putReport(key, 0, reportWrite(key, i), { audit: audit('report.put'), idempotency: record }));
          assert.deepEqual(await store.findIdempotency('tok-1', `k-${i}`), record);
          assert.equal((await store.getReport(key))?.revision, 1);
        }),
      );
    });

    it('adds, finds and revokes tokens', async () => {
      const a = token('tok-a', 'secret-a', 'agency', 'agency-1');
      const b = token('tok-b', 'secret-b', 'consolidator', null);
      await store.addToken(a, audit('token.add'));
      await store.addToken(b, audit('token.add'));
      assert.deepEqual(
        (await store.listTokens()).map((t) => t.id).sort(),
        ['tok-a', 'tok-b'],
      );
      assert.deepEqual(await store.findTokenByHash(a.hash), a);
      assert.deepEqual(await store.findTokenByHash(b.hash), b);
      assert.equal(await store.findTokenByHash(sha256('unknown')), null);

      assert.equal(await store.revokeToken('tok-a', '2026-01-02T03:04:05.000Z', audit('token.revoke')), true);
      assert.equal((await store.findTokenByHash(a.hash))?.revokedAt, '2026-01-02T03:04:05.000Z');
      assert.equal((await store.findTokenByHash(b.hash))?.revokedAt, null);
      assert.equal(await store.revokeToken('tok-a', '2026-01-03T00:00:00.000Z', audit('token.revoke')), false, 'already revoked');
      assert.equal((await store.findTokenByHash(a.hash))?.revokedAt, '2026-01-02T03:04:05.000Z', 'the first revocation stands');
      assert.equal(await store.revokeToken('tok-missing', '2026-01-02T03:04:05.000Z', audit('token.revoke')), false);
      assert.equal((await store.listTokens()).length, 2);
    });

    it('round-trips plan files, agencies (upserted by id) and lead changes', async () => {
      const plan = { id: 'hn-extra-2026', title: 'Kế hoạch bổ sung', indicators: [{ code: '1', target: 'Dưới 3%' }], nested: { n: 1.5, none: null } };
      await store.addPlanFile(plan, audit('plan.add'));
      assert.deepEqual(await store.listPlanFiles(), [plan]);

      const commune = agency('xa-a', 'Xã A');
      const district = agency('quan-b', 'Quận B');
      await store.upsertAgencies([commune, district], audit('agency.upsert'));
      assert.deepEqual(await store.listAgencies(), [commune, district]);
      const renamed = { ...commune, name: 'Xã A (mới)' };
      const third = agency('phuong-c', 'Phường C');
      await store.upsertAgencies([renamed, third], audit('agency.upsert'));
      const agencies = await store.listAgencies();
      assert.equal(agencies.length, 3);
      assert.deepEqual(
        agencies.find((a) => a.id === 'xa-a'),
        renamed,
      );
      assert.deepEqual(
        agencies.find((a) => a.id === 'quan-b'),
        district,
      );
      assert.deepEqual(
        agencies.find((a) => a.id === 'phuong-c'),
        third,
      );

      const change: LeadChange = { planId: 'hn-kh207-2021', indicator: '3.1', agencyId: 'xa-a', from: '2025-07-01', by: 'tok-admin', at: '2025-06-30T10:00:00.000Z' };
      await store.addLeadChange(change, audit('lead.change'));
      const change2 = { ...change, indicator: '4', from: '2025-08-01' };
      await store.addLeadChange(change2, audit('lead.change'));
      assert.deepEqual(await store.listLeadChanges(), [change, change2]);
    });

    it('keeps plan retirements and restorations in order, as copies, and refuses a malformed one', async () => {
      const whole: PlanRetirement = { planId: 'hn-extra-2026', revision: null, retired: true, reason: 'Thử nghiệm, không dùng', by: 'tok-admin', at: '2026-02-01T08:00:00.000Z' };
      const one: PlanRetirement = { ...whole, revision: 2, reason: 'Phiên bản nhầm', at: '2026-02-02T08:00:00.000Z' };
      const restored: PlanRetirement = { ...whole, retired: false, reason: 'Dùng lại', at: '2026-02-03T08:00:00.000Z' };
      for (const r of [whole, one, restored]) await store.addPlanRetirement(r, audit('plan.retire'));
      const listed = await store.listPlanRetirements();
      assert.deepEqual(listed, [whole, one, restored]);
      listed[0]!.reason = 'changed by the caller';
      assert.equal((await store.listPlanRetirements())[0]!.reason, whole.reason, 'a copy');
      await assert.rejects(store.addPlanRetirement({ ...whole, revision: 0 }, audit('plan.retire')));
      await assert.rejects(store.addPlanRetirement({ ...whole, extra: 1 } as PlanRetirement, audit('plan.retire')));
      assert.equal((await store.listPlanRetirements()).length, 3, 'nothing stored for a refused record');
    });

    it('keeps the latest judgement per plan, period and indicator, listed by plan and period, as copies', async () => {
      const j: Judgement = { planId: 'hn-x', period: '2023', indicator: '5', verdict: 'met', reason: 'Đủ hồ sơ', by: 'tok-c', at: '2023-12-20T08:00:00.000Z' };
      await store.putJudgement(j, audit('judge'));
      await store.putJudgement({ ...j, indicator: '4', verdict: 'notMet' }, audit('judge'));
      await store.putJudgement({ ...j, period: '2023-6M' }, audit('judge'));
      await store.putJudgement({ ...j, planId: 'hn-y' }, audit('judge'));
      const replaced = { ...j, verdict: 'withinTolerance' as const, reason: 'Gần đạt', at: '2023-12-21T08:00:00.000Z' };
      await store.putJudgement(replaced, audit('judge'));
      assert.deepEqual(await store.listJudgements({ planId: 'hn-x', period: '2023' }), [{ ...j, indicator: '4', verdict: 'notMet' }, replaced]);
      assert.deepEqual((await store.listJudgements({ planId: 'hn-x' })).map((x) => `${x.period}|${x.indicator}`).sort(), ['2023-6M|5', '2023|4', '2023|5']);
      const listed = await store.listJudgements({ planId: 'hn-y' });
      listed[0]!.reason = 'changed';
      assert.equal((await store.listJudgements({ planId: 'hn-y' }))[0]!.reason, 'Đủ hồ sơ');
      await assert.rejects(store.putJudgement({ ...j, verdict: 'maybe' } as unknown as Judgement, audit('judge')));
      await assert.rejects(store.putJudgement({ ...j, indicator: 'a|b' }, audit('judge')));
      assert.equal((await store.listJudgements({ planId: 'hn-x' })).length, 3);
    });

    it('accepts audit-only entries', async () => {
      await store.audit({ at: new Date().toISOString(), actor: 'anonymous', action: 'auth.failed', detail: { ip: '203.0.113.9' } });
    });

    it('stores revisions that parse with the ReportRevision schema', async () => {
      const key = reportKey();
      const write: ReportWrite = {
        ...reportWrite(key, 1),
        entries: [
          { code: '1', value: '2,5%', numberFormat: '0.0%', note: 'ước tính' },
          { code: '2', value: null, answer: 'Cơ bản đạt' },
          { code: '3', value: 12, denominator: 30, note: null },
        ],
        documents: [{ code: 'D1', status: 'issued', reference: 'Quyết định 1234/QĐ-UBND', issuedOn: '2024-05-06' }],
        projects: [{ code: 'P1', disbursed: '1.036.609' }],
        validation: { valid: false, stats: { errors: 1 }, findings: [{ code: 'x', message: { vi: 'Lỗi', en: 'Error' } }] },
        late: true,
        comment: 'Bổ sung số liệu',
        status: 'returned',
        action: 'return',
      };
      ok(await store.putReport(key, 0, write, { audit: audit('report.put') }));
      ok(await store.putReport(key, 1, reportWrite(key, 2), { audit: audit('report.put') }));
      const all = [...(await store.history(key)), ...(await store.listReports({ planId: key.planId })), await store.getReport(key)];
      for (const r of all) {
        const parsed = ReportRevision.safeParse(r);
        assert.ok(parsed.success, parsed.success ? '' : parsed.error.message);
        assert.deepEqual(parsed.data, r, 'nothing is added or dropped by the schema');
      }
      const first = (await store.history(key))[0]!;
      assert.deepEqual(first.entries, write.entries);
      assert.deepEqual(first.validation, write.validation);
    });

    it('refuses a write that does not satisfy the schema, and stores nothing', async () => {
      const key = reportKey();
      const bad = { ...reportWrite(key, 1), status: 'finished' } as unknown as ReportWrite;
      await assert.rejects(store.putReport(key, 0, bad, { audit: audit('report.put') }));
      assert.equal(await store.getReport(key), null);
    });

    it('hands out copies: changing a returned or passed object does not change the store', async () => {
      const key = reportKey();
      const write = reportWrite(key, 1);
      const put = ok(await store.putReport(key, 0, write, { audit: audit('report.put') }));
      write.entries[0]!.value = 'changed by the caller';
      put.entries[0]!.value = 'changed by the caller';
      const got = (await store.getReport(key))!;
      assert.equal(got.entries[0]!.value, 1);
      got.status = 'approved';
      (await store.history(key))[0]!.entries.push({ code: '9' });
      (await store.listReports({ planId: key.planId }))[0]!.comment = 'x';
      const again = (await store.getReport(key))!;
      assert.equal(again.status, 'draft');
      assert.equal(again.entries.length, 1);
      assert.equal(again.comment, null);

      const t = token('tok-c', 'secret-c', 'admin', null);
      await store.addToken(t, audit('token.add'));
      t.label = 'changed';
      (await store.findTokenByHash(t.hash))!.revokedAt = 'x';
      const stored = (await store.listTokens())[0]!;
      assert.equal(stored.label, 'label of tok-c');
      assert.equal(stored.revokedAt, null);
    });
  });
}

// ---- fixtures ------------------------------------------------------------------------------

let keyCounter = 0;

/** A report key unique to the test unless given. */
export function reportKey(over: Partial<ReportKey> = {}): ReportKey {
  keyCounter += 1;
  return { planId: 'hn-kh207-2021', period: '2024', agencyId: `agency-k${keyCounter}`, ...over };
}

/** A valid write whose first entry's value is `value` (so a revision can be traced to its write). */
export function reportWrite(key: ReportKey, value: number | string): ReportWrite {
  return {
    planId: key.planId,
    planRevision: 1,
    agencyId: key.agencyId,
    period: key.period,
    status: 'draft',
    entries: [{ code: '1', value }],
    documents: [],
    projects: [],
    validation: { valid: true, stats: { entries: 1 }, findings: [] },
    late: false,
    comment: null,
    savedBy: 'tok-writer',
    action: 'put',
  };
}

export function audit(action: string, extra: Partial<AuditEntry> = {}): AuditEntry {
  return { at: new Date().toISOString(), actor: 'tok-writer', action, ...extra };
}

export function idempotencyRecord(scope: string, key: string, body: unknown): IdempotencyRecord {
  return { scope, key, requestHash: sha256(`${scope}:${key}`), status: 200, body, etag: '"r1"', at: new Date().toISOString() };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function token(id: string, secret: string, role: TokenRecord['role'], agencyId: string | null): TokenRecord {
  return { id, hash: sha256(secret), role, agencyId, label: `label of ${id}`, createdAt: '2026-01-01T00:00:00.000Z', revokedAt: null };
}

function agency(id: string, name: string): Agency {
  return { id, name, kind: 'commune', city: 'hanoi', aliases: [], successors: [], predecessors: [] };
}

export function ok(outcome: PutOutcome): ReportRevision {
  if (!outcome.ok) assert.fail(`expected the put to succeed, got a conflict at revision ${outcome.current?.revision ?? 'none'}`);
  return outcome.report;
}
