import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { AUDIT_ENTRY_MAX_BYTES, AUDIT_TEXT_LIMIT } from '../../server/app';
import type { AuditEntry, Store } from '../../server/storage/types';
import { CELL_TEXT_MAX, ENTRIES_MAX } from '../../shared/schema/report';
import { bearer, startTestServer } from './harness';
import type { TestServer } from './harness';

/**
 * Bodies with limits: a code at most once per report (422 duplicate-codes, naming the
 * codes), and audit entries that stay small whatever body the API accepts: long texts by
 * hash, length and first characters, and the whole entry under AUDIT_ENTRY_MAX_BYTES.
 */
const R = '/api/plans/hn-kh207-2021/periods/2023/reports/hn-syt';
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Keeps the audit entry of every report write, as the store receives it. */
function captureAudits(store: Store): AuditEntry[] {
  const seen: AuditEntry[] = [];
  const putReport = store.putReport.bind(store);
  store.putReport = (key, expected, write, extra) => {
    seen.push(extra.audit);
    return putReport(key, expected, write, extra);
  };
  return seen;
}

function longestString(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (value === null || typeof value !== 'object') return 0;
  return Math.max(0, ...Object.entries(value).map(([k, v]) => Math.max(k.length, longestString(v))));
}

/** The last line of the lowdb store's audit.log (startTestServer's store keeps one): the entry plus the store's framing. */
function lastAuditLine(s: TestServer): string {
  const lines = readFileSync(`${s.dataDir}/audit.log`, 'utf8').trimEnd().split('\n');
  return lines.at(-1)!;
}

describe('bodies with limits', function () {
  this.timeout(300_000);

  describe('a code at most once per report', () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer();
    });
    after(async () => s.close());
    const put = (body: object) => request(s.app).put(R).set(bearer(s.tokens.agencyA)).set('If-None-Match', '*').send(body);

    it('repeated indicator codes (also after trimming, as the engine reads them) are 422 duplicate-codes naming them, in Vietnamese and English', async () => {
      const res = await put({ entries: [{ code: '11', value: '1' }, { code: '12', value: '2' }, { code: '11', value: '3' }, { code: ' 12 ', value: '4' }, { code: '13', value: '5' }] }).expect(422);
      assert.equal(res.body.error.code, 'duplicate-codes');
      assert.deepEqual(res.body.error.details, { entries: ['11', '12'], documents: [], projects: [] });
      assert.match(res.body.error.message.vi, /chỉ tiêu 11, 12/);
      assert.match(res.body.error.message.en, /indicators 11, 12/);
      await request(s.app).get(R).set(bearer(s.tokens.agencyA)).expect(404); // nothing was stored
    });

    it('repeated document and project codes too, and /api/validate gives the same answer', async () => {
      const body = { entries: [], documents: [{ code: 'VB1', status: 'issued' }, { code: 'VB1', status: 'notIssued' }], projects: [{ code: 'DA1' }, { code: 'DA1' }] };
      const res = await put(body).expect(422);
      assert.deepEqual(res.body.error.details, { entries: [], documents: ['VB1'], projects: ['DA1'] });
      assert.match(res.body.error.message.en, /documents VB1; projects DA1/);
      const checked = await request(s.app).post('/api/validate').set(bearer(s.tokens.agencyA)).send({ planId: 'hn-kh207-2021', period: '2023', ...body }).expect(422);
      assert.deepEqual(checked.body.error, res.body.error);
    });

    it('the issue\'s amplification: 5,000 entries of one code with long values and notes is refused, never 500', async () => {
      const big = await startTestServer({ jsonLimit: '64mb' });
      try {
        const long = 'x'.repeat(CELL_TEXT_MAX);
        await request(big.app).put(R).set(bearer(big.tokens.agencyA)).set('If-None-Match', '*').send({ entries: [{ code: '11', value: long, note: long }] }).expect(201);
        const entries = Array.from({ length: ENTRIES_MAX }, (_, i) => ({ code: '11', value: `${i}`.padEnd(2_000, 'y'), note: 'n'.repeat(2_000) }));
        const res = await request(big.app).put(R).set(bearer(big.tokens.agencyA)).set('If-Match', '"r1"').send({ entries }).expect(422);
        assert.equal(res.body.error.code, 'duplicate-codes');
        assert.match(res.body.error.message.en, /indicators 11$/);
        // The same with the old 100,000-character value is now over the cell limit: 400, listed by path.
        const over = await request(big.app).put(R).set(bearer(big.tokens.agencyA)).set('If-Match', '"r1"').send({ entries: [{ code: '11', value: 'x'.repeat(100_000) }] }).expect(400);
        assert.ok(over.body.error.details.some((d: { path: string }) => d.path === 'entries.0.value'));
        // And with the default 1 MB body limit it never gets that far.
        await request(big.app).get('/api/health').expect(200);
      } finally {
        await big.close();
      }
    });
  });

  describe('audit entries are bounded', () => {
    it('a text longer than AUDIT_TEXT_LIMIT is recorded by hash, length and first 40 characters; a shorter one in full', async () => {
      const s = await startTestServer();
      try {
        const audits = captureAudits(s.store);
        const long = `Ghi chú dài: ${'số liệu ước tính theo báo cáo quý; '.repeat(20)}`;
        const edge = 'e'.repeat(AUDIT_TEXT_LIMIT);
        await request(s.app).put(R).set(bearer(s.tokens.agencyA)).set('If-None-Match', '*').send({ entries: [{ code: '11', value: '28,7', note: long }, { code: '12', value: '1', note: edge }] }).expect(201);
        const changes = audits.at(-1)!.changes!;
        assert.deepEqual(changes.find((c) => c.path === 'entries.11.note'), { path: 'entries.11.note', from: null, to: { sha256: sha256(long), length: long.length, start: long.slice(0, 40) } });
        assert.deepEqual(changes.find((c) => c.path === 'entries.12.note'), { path: 'entries.12.note', from: null, to: edge });
        await request(s.app).put(R).set(bearer(s.tokens.agencyA)).set('If-Match', '"r1"').send({ entries: [{ code: '11', value: '28,7', note: `${long}.` }] }).expect(200);
        const next = audits.at(-1)!.changes!.find((c) => c.path === 'entries.11.note')!;
        assert.deepEqual(next.from, { sha256: sha256(long), length: long.length, start: long.slice(0, 40) }, 'neither the old nor the new text in full');
        assert.equal((next.to as { length: number }).length, long.length + 1);
      } finally {
        await s.close();
      }
    });

    /** 5,000 distinct codes as large as the body limit allows, then every value changed: 2xx, and an entry under the cap. */
    async function largestDistinctBodies(jsonLimit: string, valueLength: number, noteLength: number): Promise<void> {
      const s = await startTestServer({ jsonLimit });
      try {
        const audits = captureAudits(s.store);
        const body = (round: string) => ({
          entries: Array.from({ length: ENTRIES_MAX }, (_, i) => ({ code: `c${i}`, value: `${round}${i}`.padEnd(valueLength, 'v'), note: `${round}${i}`.padEnd(noteLength, 'n'), answer: round })),
        });
        const first = await request(s.app).put(R).set(bearer(s.tokens.agencyA)).set('If-None-Match', '*').send(body('a'));
        assert.equal(first.status, 201, JSON.stringify(first.body).slice(0, 300));
        const second = await request(s.app).put(R).set(bearer(s.tokens.agencyA)).set('If-Match', '"r1"').send(body('b'));
        assert.equal(second.status, 200, JSON.stringify(second.body).slice(0, 300));
        assert.equal(audits.length, 2, 'one audit entry per write');
        for (const entry of audits) {
          const bytes = Buffer.byteLength(JSON.stringify(entry));
          assert.ok(bytes <= AUDIT_ENTRY_MAX_BYTES, `audit entry of ${bytes} bytes`);
          assert.ok(longestString(entry) <= Math.max(AUDIT_TEXT_LIMIT, 64), 'no long text in full');
          const omitted = (entry.detail as { omittedChanges?: { count: number; sha256: string } }).omittedChanges!;
          assert.equal(entry.changes!.length + omitted.count, ENTRIES_MAX * 3, 'value, answer and note of every entry: kept or counted');
          assert.match(omitted.sha256, /^[0-9a-f]{64}$/);
        }
        // What the store writes to disk stays bounded too: the second write's line, with the store's framing.
        const line = lastAuditLine(s);
        assert.deepEqual([JSON.parse(line).action, JSON.parse(line).revision], ['put', 2]);
        assert.ok(Buffer.byteLength(line) <= AUDIT_ENTRY_MAX_BYTES + 4_096, `audit line of ${Buffer.byteLength(line)} bytes`);
        const history = await request(s.app).get(`${R}/history`).set(bearer(s.tokens.agencyA)).expect(200);
        assert.equal(history.body.revisions[1].entries[4_999].note, body('b').entries[4_999]!.note, 'the revision keeps every text in full');
      } finally {
        await s.close();
      }
    }

    it('the largest distinct body under the default 1 MB limit: stored, its audit entry under the cap', async () => {
      await largestDistinctBodies('1mb', 75, 75); // about 1,004,000 bytes of JSON
    });

    it('5,000 distinct entries of long values and long notes under a raised 64 MB limit: stored, its audit entry under the cap', async () => {
      await largestDistinctBodies('64mb', 1_000, 1_000);
    });
  });
});
