/**
 * Consolidation (shared/consolidate.ts): many agency reports for plan 207/KH-UBND become the
 * citywide table the standing agency sends up: values, how they were formed, verdicts,
 * progress and categories, the summary, documents, projects and who has reported.
 */
import assert from 'node:assert/strict';
import { compilePlan } from '../../shared/compile';
import { consolidate, recordFromRevisions, summarize } from '../../shared/consolidate';
import type { ConsolidatedRow, ConsolidatedTable, PreviousSummary, ReportRecord, StoredRevision } from '../../shared/consolidate';
import { parsePeriod, previousReportingPeriod } from '../../shared/periods';
import { checkProjectRules } from '../../shared/projects';
import { DISTRICT_COUNT, fixtureCommunes, plan, planFile, register, registerWithCommunes } from '../fixtures/hanoi';

const p207 = () => plan('hn-kh207-2021');
const districts = () => register().expand('hn-g-districts', '2023-12-14');
const rowOf = (t: ConsolidatedTable, code: string): ConsolidatedRow => {
  const row = t.rows.find((r) => r.code === code);
  assert.ok(row, `no row ${code}`);
  return row;
};
const run = (reports: ReportRecord[], period = '2023', extra: { includeDrafts?: boolean; previous?: Record<string, number>; previousSummary?: PreviousSummary } = {}) =>
  consolidate(p207(), register(), { period, reports, ...extra });

/** A realistic 2023 round: the standing agency, health, social insurance and education. */
function round2023(): ReportRecord[] {
  return [
    {
      agencyId: 'hn-sldtbxh',
      status: 'submitted',
      entries: [
        { code: '1', value: '2,8' },
        { code: '7', value: '1,5' },
        { code: '9', value: '100' },
        { code: '20', value: 'Cơ bản đạt' },
        { code: '26', value: '67,5' },
      ],
    },
    {
      agencyId: 'hn-syt',
      status: 'approved',
      entries: [
        { code: '11', value: '28,5' },
        { code: '14', value: '90' },
        { code: '16', value: '2,3' },
      ],
    },
    {
      agencyId: 'hn-bhxh',
      status: 'late',
      entries: [
        { code: '3', value: 45 },
        { code: '3.1', value: 43 },
        { code: '3.2', value: 2 },
      ],
    },
    { agencyId: 'hn-sgddt', status: 'draft', entries: [{ code: '8', value: 100 }] },
  ];
}

describe('consolidate (plan 207/KH-UBND)', () => {
  describe('rows', () => {
    it('has one row per indicator, in plan order, with the reference date of the cut-off', () => {
      const t = run(round2023());
      assert.deepEqual(t.rows.map((r) => r.code), p207().order);
      assert.equal(t.referenceDate, '2023-12-14');
      assert.deepEqual([t.planId, t.revision, t.period], ['hn-kh207-2021', 1, '2023']);
      assert.deepEqual(t.findings, []);
    });

    it('gives each reported row its value, contributions, verdict, progress and category', () => {
      const t = run(round2023());
      const r1 = rowOf(t, '1');
      assert.deepEqual(
        [r1.value, r1.source, r1.lead, r1.verdict, r1.verdictPeriod, r1.progressYear, r1.progressPeriod, r1.category],
        [2.8, 'lead', 'hn-sldtbxh', 'met', 'met', 107.1, 107.1, 1],
        'less is better: progress = target ÷ actual; below the 2025 target already',
      );
      assert.deepEqual(r1.contributions.map((c) => [c.agencyId, c.role, c.value, c.status]), [['hn-sldtbxh', 'lead', 2.8, 'submitted']]);
      assert.deepEqual(r1.yearTarget, { vi: 'Dưới 3%', en: r1.yearTarget!.en });
      assert.equal(rowOf(t, '1').categoryLabel.vi, 'Hoàn thành, vượt mục tiêu giai đoạn');

      const r11 = rowOf(t, '11');
      assert.deepEqual([r11.value, r11.verdict, r11.progressYear, r11.progressPeriod, r11.category], [28.5, 'met', 100, 95, 2]);

      const r14 = rowOf(t, '14');
      assert.deepEqual([r14.value, r14.verdict, r14.progressYear, r14.progressPeriod, r14.category], [90, 'notMet', 95.7, 90, 4]);
      assert.match(r14.categoryLabel.vi, /^Gặp khó khăn/);

      const r16 = rowOf(t, '16');
      assert.deepEqual([r16.value, r16.verdict, r16.category], [2.3, 'notMet', 4], 'a level: too high misses too');

      const r20 = rowOf(t, '20');
      assert.deepEqual([r20.value, r20.answer, r20.verdict, r20.progressYear, r20.category], [null, 'basicallyAchieved', 'met', null, 1]);

      const r26 = rowOf(t, '26');
      assert.deepEqual([r26.value, r26.verdict, r26.category], [67.5, 'notMet', 4], '"68% - 70%" in 2023');

      const r5 = rowOf(t, '5');
      assert.deepEqual([r5.value, r5.source, r5.verdict, r5.category, r5.contributions], [null, 'none', 'notAssessable', 'noData', []]);
    });

    it('counts 3.1 and 3.2 under 3, not in the summary', () => {
      const t = run(round2023());
      assert.deepEqual(
        t.rows.filter((r) => !r.countsInSummary).map((r) => [r.code, r.depth, r.parent]),
        [
          ['3.1', 1, '3'],
          ['3.2', 1, '3'],
        ],
      );
      assert.equal(rowOf(t, '3.1').value, 43);
    });

    it('a 9-month value on schedule is category 3', () => {
      const t = run([{ agencyId: 'hn-syt', status: 'submitted', entries: [{ code: '14', value: 90 }] }], '2023-9M');
      assert.equal(rowOf(t, '14').category, 3);
      assert.equal(t.referenceDate, '2023-09-14');
    });

    it('a change target uses the previous citywide value', () => {
      const reports: ReportRecord[] = [{ agencyId: 'hn-syt', status: 'submitted', entries: [{ code: '17', value: '5,3' }] }];
      assert.equal(rowOf(run(reports), '17').verdict, 'notAssessable');
      const r = rowOf(run(reports, '2023', { previous: { '17': 5.4 } }), '17');
      assert.deepEqual([r.verdict, r.progressYear, r.category], ['met', 100, 2]);
    });
  });

  describe('indicator 2: a sum of the districts', () => {
    const districtReports = (value: (i: number) => number): ReportRecord[] =>
      districts().map((id, i) => ({ agencyId: id, status: 'submitted', entries: [{ code: '2', value: value(i) }] }));

    it('expects the 30 districts as contributors', () => {
      const r = rowOf(run([]), '2');
      assert.equal(r.aggregation, 'sum');
      assert.equal(r.expectedContributors.length, DISTRICT_COUNT);
      assert.deepEqual(r.notes.map((n) => n.en), ['0 of 30 expected agencies have reported']);
    });

    it('without the lead figure the citywide value is the sum of the district contributions', () => {
      const t = run(districtReports((i) => 5000 + i * 100));
      const r = rowOf(t, '2');
      const expected = Array.from({ length: DISTRICT_COUNT }, (_, i) => 5000 + i * 100).reduce((a, b) => a + b, 0);
      assert.deepEqual([r.value, r.source, r.verdict], [expected, 'sum', 'met']);
      assert.equal(expected, 193_500);
      assert.equal(r.contributions.length, DISTRICT_COUNT);
      assert.ok(r.contributions.every((c) => c.role === 'contributor'));
      assert.deepEqual(r.notes, []);
    });

    it('a partial sum says how many have reported', () => {
      const r = rowOf(run(districtReports((i) => 5000 + i).slice(0, 3)), '2');
      assert.deepEqual([r.value, r.source], [15003, 'sum']);
      assert.deepEqual(r.notes.map((n) => n.en), ['3 of 30 expected agencies have reported']);
    });

    it("the lead's total is the citywide value, cross-checked against the sum", () => {
      const lead = (value: number): ReportRecord => ({ agencyId: 'hn-sldtbxh', status: 'submitted', entries: [{ code: '2', value }] });
      const differs = rowOf(run([lead(170_000), ...districtReports(() => 5000)]), '2');
      assert.deepEqual([differs.value, differs.source], [170_000, 'lead']);
      assert.equal(differs.contributions[0]!.role, 'lead');
      assert.deepEqual(differs.notes.map((n) => n.en), ["The lead agency's total (170,000) differs from the sum of contributions (150,000)"]);
      assert.match(differs.notes[0]!.vi, /170\.000.*150\.000/);
      const agrees = rowOf(run([lead(150_000), ...districtReports(() => 5000)]), '2');
      assert.deepEqual(agrees.notes, []);
    });

    it('a figure from an agency that is neither lead nor contributor is shown, never added in', () => {
      const r = rowOf(run([...districtReports(() => 5000), { agencyId: 'hn-syt', status: 'submitted', entries: [{ code: '2', value: 99_999 }] }]), '2');
      assert.equal(r.value, 150_000);
      assert.deepEqual(r.contributions.filter((c) => c.role === 'other').map((c) => c.agencyId), ['hn-syt']);
    });
  });

  describe('indicator 21: a weighted mean with denominators', () => {
    it('Σ(value × communes) ÷ Σ communes, leaving out contributions without a denominator', () => {
      const [a, b, c, d] = districts();
      const t = run([
        { agencyId: a!, status: 'submitted', entries: [{ code: '21', value: 100, denominator: 10 }] },
        { agencyId: b!, status: 'submitted', entries: [{ code: '21', value: 80, denominator: '30' }] },
        { agencyId: c!, status: 'submitted', entries: [{ code: '21', value: '90', denominator: 20 }] },
        { agencyId: d!, status: 'submitted', entries: [{ code: '21', value: 10 }] },
      ]);
      const r = rowOf(t, '21');
      assert.equal(r.aggregation, 'weightedMean');
      assert.equal(r.source, 'weightedMean');
      assert.ok(Math.abs(r.value! - (100 * 10 + 80 * 30 + 90 * 20) / 60) < 1e-9, String(r.value));
      assert.deepEqual(new Map(r.contributions.map((x) => [x.agencyId, x.denominator])), new Map([[a, 10], [b, 30], [c, 20], [d, null]]));
      assert.deepEqual(r.notes.map((n) => n.en), ['Some contributions have no denominator and were left out', '4 of 30 expected agencies have reported']);
      assert.deepEqual([r.verdict, r.category], ['notMet', 4]);
      // The missing denominator is also a finding of the consolidation, attributed to the district.
      assert.deepEqual(t.findings.map((f) => [f.code, f.indicator, f.agencyId]), [['denominator-required', '21', d]]);
    });

    it("the lead's citywide figure wins and is cross-checked against the mean", () => {
      const [a, b] = districts();
      const r = rowOf(
        run([
          { agencyId: 'hn-sldtbxh', status: 'submitted', entries: [{ code: '21', value: 95 }] },
          { agencyId: a!, status: 'submitted', entries: [{ code: '21', value: 100, denominator: 10 }] },
          { agencyId: b!, status: 'submitted', entries: [{ code: '21', value: 80, denominator: 10 }] },
        ]),
        '21',
      );
      assert.deepEqual([r.value, r.source], [95, 'lead']);
      assert.deepEqual(r.notes.map((n) => n.en), ["The lead agency's figure (95) differs from the weighted mean of contributions (90)"]);
    });
  });

  describe('report status', () => {
    it('drafts are not counted unless includeDrafts', () => {
      const draft: ReportRecord[] = [{ agencyId: 'hn-sgddt', status: 'draft', entries: [{ code: '8', value: 100 }] }];
      assert.equal(rowOf(run(draft), '8').value, null);
      const withDrafts = rowOf(run(draft, '2023', { includeDrafts: true }), '8');
      assert.deepEqual([withDrafts.value, withDrafts.contributions[0]!.status], [100, 'draft']);
      for (const status of ['submitted', 'late', 'approved'] as const) assert.equal(rowOf(run([{ ...draft[0]!, status }]), '8').value, 100, status);
      assert.equal(rowOf(run([{ ...draft[0]!, status: 'returned' }]), '8').value, null, 'a returned report does not count');
    });

    it('lists every expected agency with missing, draft or submitted', () => {
      const t = run(round2023());
      const status = new Map(t.agencies.map((a) => [a.agencyId, a]));
      assert.deepEqual(
        ['hn-sldtbxh', 'hn-syt', 'hn-bhxh', 'hn-sgddt', 'hn-sgtvt'].map((id) => [id, status.get(id)?.status, status.get(id)?.indicators]),
        [
          ['hn-sldtbxh', 'submitted', 11],
          ['hn-syt', 'approved', 9],
          ['hn-bhxh', 'late', 6],
          ['hn-sgddt', 'draft', 2],
          ['hn-sgtvt', 'missing', 1],
        ],
      );
      for (const d of districts()) assert.deepEqual([status.get(d)?.status, status.get(d)?.indicators], ['missing', 3], d);
      assert.equal(t.agencies.length, 5 + DISTRICT_COUNT);
      assert.deepEqual(t.agencies.map((a) => a.agencyId), [...t.agencies.map((a) => a.agencyId)].sort());
    });

    it('an unexpected reporter is listed with no rows', () => {
      const t = run([{ agencyId: 'hn-ctk', status: 'submitted', entries: [] }]);
      assert.deepEqual(t.agencies.find((a) => a.agencyId === 'hn-ctk'), {
        agencyId: 'hn-ctk',
        status: 'submitted',
        indicators: 0,
        tasks: 0,
        revision: null,
        counted: true,
        countedRevision: null,
        late: false,
        updatedAt: null,
        updateInProgress: null,
        returned: null,
        returns: [],
      });
    });
  });

  describe('which revision counts', () => {
    const rev = (revision: number, status: StoredRevision['status'], value: number, extra: Partial<StoredRevision> = {}): StoredRevision => ({
      agencyId: 'hn-syt',
      status,
      revision,
      savedAt: `2023-12-0${revision}T02:00:00.000Z`,
      entries: [{ code: '11', value }],
      ...extra,
    });

    it('the newest submitted, late or approved revision counts; newer drafts are the update in progress, since the first of them', () => {
      const record = recordFromRevisions([rev(1, 'draft', 20), rev(2, 'submitted', 28.7), rev(3, 'draft', 10), rev(4, 'draft', 11)])!;
      assert.deepEqual([record.status, record.revision, record.entries, record.updatedAt], ['submitted', 2, [{ code: '11', value: 28.7 }], '2023-12-02T02:00:00.000Z']);
      assert.deepEqual([record.draft?.revision, record.draft?.since, record.draft?.entries], [4, '2023-12-03T02:00:00.000Z', [{ code: '11', value: 11 }]]);
      assert.equal(recordFromRevisions([rev(1, 'submitted', 28.7), rev(2, 'approved', 28.7)])!.status, 'approved');
      assert.deepEqual(recordFromRevisions([rev(1, 'draft', 20), rev(2, 'draft', 21)])!.entries, [{ code: '11', value: 21 }], 'never submitted: the draft');
      assert.equal(recordFromRevisions([rev(1, 'draft', 20)])!.draft, undefined);
      assert.equal(recordFromRevisions([]), null);
    });

    it('a returned report stays returned, with its comment and date, while it is corrected', () => {
      const record = recordFromRevisions([rev(1, 'submitted', 28.7), rev(2, 'returned', 28.7, { comment: 'Kiểm tra lại chỉ tiêu 11' }), rev(3, 'draft', 29)])!;
      assert.deepEqual([record.status, record.comment, record.updatedAt, record.draft?.revision], ['returned', 'Kiểm tra lại chỉ tiêu 11', '2023-12-02T02:00:00.000Z', 3]);
      assert.equal(recordFromRevisions([rev(1, 'submitted', 28.7), rev(2, 'returned', 28.7), rev(3, 'submitted', 29)])!.status, 'submitted', 'resubmitted');
    });

    it('keeps every return comment of the history, with its date, also once the report is resubmitted', () => {
      const history = [
        rev(1, 'submitted', 28.7),
        rev(2, 'returned', 28.7, { comment: 'Kiểm tra lại chỉ tiêu 11', action: 'return' }),
        rev(3, 'draft', 29, { comment: null, action: 'put' }),
        rev(4, 'submitted', 29, { comment: null, action: 'submit' }),
        rev(5, 'returned', 29, { comment: 'Thiếu ghi chú chỉ tiêu 14', action: 'return' }),
        rev(6, 'submitted', 29, { comment: null, action: 'submit' }),
      ];
      assert.deepEqual(recordFromRevisions(history)!.returns, [
        { comment: 'Kiểm tra lại chỉ tiêu 11', at: '2023-12-02T02:00:00.000Z' },
        { comment: 'Thiếu ghi chú chỉ tiêu 14', at: '2023-12-05T02:00:00.000Z' },
      ]);
      assert.equal(recordFromRevisions([rev(1, 'submitted', 28.7)])!.returns, undefined, 'never returned');
      const t = run([recordFromRevisions(history)!]);
      assert.deepEqual(t.agencies.find((a) => a.agencyId === 'hn-syt')!.returns.map((r) => r.comment), ['Kiểm tra lại chỉ tiêu 11', 'Thiếu ghi chú chỉ tiêu 14']);
    });

    it('counts the submitted figures under a newer draft, says the update is in progress, and the drafts on request', () => {
      const syt = recordFromRevisions([rev(1, 'submitted', 28.7), rev(2, 'draft', 10)])!;
      const t = run([syt]);
      assert.equal(t.basis, 'submitted');
      assert.deepEqual([rowOf(t, '11').value, rowOf(t, '11').contributions[0]!.status], [28.7, 'submitted']);
      const a = t.agencies.find((x) => x.agencyId === 'hn-syt')!;
      assert.deepEqual([a.status, a.revision, a.counted, a.countedRevision, a.updateInProgress], ['submitted', 1, true, 1, { revision: 2, since: '2023-12-02T02:00:00.000Z' }]);
      assert.equal(t.submissions.updating, 1);

      const drafts = run([syt], '2023', { includeDrafts: true });
      assert.equal(drafts.basis, 'drafts');
      assert.deepEqual([rowOf(drafts, '11').value, rowOf(drafts, '11').contributions[0]!.status], [10, 'draft']);
      const d = drafts.agencies.find((x) => x.agencyId === 'hn-syt')!;
      assert.deepEqual([d.status, d.counted, d.countedRevision], ['submitted', true, 2], 'the status stays the official one; the figures are the draft\'s');
    });

    it('a returned report is listed with the comment and date and does not count, even with drafts unless it is being corrected', () => {
      const returned = recordFromRevisions([rev(1, 'submitted', 28.7), rev(2, 'returned', 28.7, { comment: 'Bổ sung nguyên nhân' })])!;
      const t = run([returned]);
      assert.equal(rowOf(t, '11').value, null);
      const a = t.agencies.find((x) => x.agencyId === 'hn-syt')!;
      assert.deepEqual([a.status, a.counted, a.returned], ['returned', false, { comment: 'Bổ sung nguyên nhân', at: '2023-12-02T02:00:00.000Z' }]);
      assert.equal(rowOf(run([returned], '2023', { includeDrafts: true }), '11').value, null, 'returned figures are not a draft');
      const correcting = recordFromRevisions([rev(1, 'submitted', 28.7), rev(2, 'returned', 28.7, { comment: 'Bổ sung' }), rev(3, 'draft', 29)])!;
      assert.equal(rowOf(run([correcting]), '11').value, null);
      assert.equal(rowOf(run([correcting], '2023', { includeDrafts: true }), '11').value, 29);
    });

    it('counts submitted (late among them), approved, returned, draft and missing separately', () => {
      const reports: ReportRecord[] = [
        ...round2023(),
        { agencyId: 'hn-sgtvt', status: 'returned', entries: [], comment: 'Sai số liệu', updatedAt: '2023-12-05T01:00:00.000Z' },
        { agencyId: 'hn-snv', status: 'submitted', entries: [], late: true },
      ];
      const t = run(reports);
      assert.deepEqual(t.submissions, { total: 5 + DISTRICT_COUNT + 1, submitted: 3, late: 2, approved: 1, returned: 1, draft: 1, missing: DISTRICT_COUNT, updating: 0, counted: 4 });
      assert.equal(t.agencies.find((a) => a.agencyId === 'hn-snv')!.late, true);
    });
  });

  describe("the agencies' own words", () => {
    it('every note on a value, a document or a project is in the table with the agency and its name; drafts and returned reports are not', () => {
      const t = run([
        {
          agencyId: 'hn-syt',
          status: 'submitted',
          entries: [{ code: '14', value: '90', note: 'Chưa đạt do thiếu nhân lực y tế cơ sở' }, { code: '12', note: 'Chưa có số liệu, Cục Thống kê công bố tháng 3' }, { code: '11', value: 28.7, note: '   ' }],
          documents: [{ code: '2021-Q2.4', status: 'notIssued', note: 'Đang trình UBND Thành phố' }],
          projects: [{ code: 'A.I.1', disbursed: 1000, note: 'Vướng giải phóng mặt bằng' }],
        },
        { agencyId: 'hn-sldtbxh', status: 'submitted', entries: [{ code: '14', note: '=Phối hợp kiểm tra' }] },
        { agencyId: 'hn-sgddt', status: 'draft', entries: [{ code: '8', value: 100, note: 'bản nháp' }] },
        { agencyId: 'hn-bhxh', status: 'returned', entries: [{ code: '3', value: 45, note: 'bị trả lại' }] },
      ]);
      assert.deepEqual(rowOf(t, '14').agencyNotes, [
        { agencyId: 'hn-syt', agency: { vi: 'Sở Y tế', en: 'Department of Health' }, note: 'Chưa đạt do thiếu nhân lực y tế cơ sở' },
        { agencyId: 'hn-sldtbxh', agency: { vi: 'Sở Lao động - Thương binh và Xã hội', en: 'Department of Labour, Invalids and Social Affairs' }, note: '=Phối hợp kiểm tra' },
      ], 'the lead first; a note that looks like a formula is kept as written');
      assert.deepEqual(rowOf(t, '12').agencyNotes.map((n) => n.note), ['Chưa có số liệu, Cục Thống kê công bố tháng 3'], 'a note without a value');
      assert.deepEqual(rowOf(t, '11').agencyNotes, [], 'blank notes are not notes');
      assert.deepEqual(rowOf(t, '8').agencyNotes, []);
      assert.deepEqual(rowOf(t, '3').agencyNotes, []);
      const doc = t.documents.rows.find((r) => r.code === '2021-Q2.4')!;
      assert.deepEqual(doc.notes.map((n) => [n.agencyId, n.agency.vi, n.note]), [['hn-syt', 'Sở Y tế', 'Đang trình UBND Thành phố']]);
      const project = t.projects.rows.find((r) => r.code === 'A.I.1')!;
      assert.deepEqual(project.notes.map((n) => [n.agencyId, n.note]), [['hn-syt', 'Vướng giải phóng mặt bằng']]);
    });
  });

  describe('the summary', () => {
    it('counts add up to the 27 top-level indicators; each share is its own count ÷ 27, rounded on its own', () => {
      for (const reports of [[], round2023(), round2023().slice(0, 2)]) {
        const t = run(reports);
        assert.equal(t.summary.total, 27);
        assert.equal(t.summary.categories.reduce((s, c) => s + c.count, 0), 27);
        for (const c of t.summary.categories) assert.equal(c.share, Math.round((c.count / 27) * 1000) / 10, `${c.category}: ${c.share}`);
        assert.deepEqual(t.summary.categories.map((c) => c.category), [1, 2, 3, 4, 'notAssessable', 'noData']);
        assert.ok(t.summary.categories.every((c) => c.change === null), 'no previous table: no change');
        assert.equal(t.summary.previousPeriod, null);
      }
    });

    it('counts the round by category and says every category in one sentence', () => {
      const t = run(round2023());
      assert.deepEqual(
        t.summary.categories.map((c) => [c.category, c.count]),
        [
          [1, 3],
          [2, 3],
          [3, 0],
          [4, 3],
          ['notAssessable', 0],
          ['noData', 18],
        ],
      );
      assert.equal(
        t.summary.sentence.vi,
        'Trong tổng số 27 chỉ tiêu: 3 chỉ tiêu (11,1%) đã hoàn thành, vượt mục tiêu giai đoạn; 3 chỉ tiêu (11,1%) hoàn thành kế hoạch năm; ' +
          '0 chỉ tiêu (0%) đang triển khai theo tiến độ; 3 chỉ tiêu (11,1%) gặp khó khăn; 0 chỉ tiêu chưa đánh giá được; 18 chỉ tiêu chưa có số liệu',
      );
      assert.equal(
        t.summary.sentence.en,
        "Of 27 indicators: 3 (11.1%) already met the plan-period target; 3 (11.1%) met this year's plan; 0 (0%) on schedule to meet this year's plan; " +
          '3 (11.1%) facing difficulties; 0 not assessable; 18 without data',
      );
    });

    it('three equal thirds are 33,3 % each: shares are rounded on their own, never forced to add up to 100', () => {
      // 9 indicators in category 1, 9 in category 4 and 9 without data.
      const meet = ['1', '8', '9', '10', '13', '21', '23', '24', '25'];
      const miss = ['4', '5', '6', '11', '12', '14', '15', '18', '19'];
      const byLead = new Map<string, ReportRecord>();
      for (const code of [...meet, ...miss]) {
        const lead = p207().indicators.get(code)!.lead!;
        const report = byLead.get(lead) ?? { agencyId: lead, status: 'submitted', entries: [] };
        byLead.set(lead, { ...report, entries: [...report.entries, { code, value: meet.includes(code) ? (code === '1' ? 2 : 100) : 1 }] });
      }
      const t = run([...byLead.values()]);
      assert.deepEqual(
        t.summary.categories.map((c) => [c.category, c.count, c.share]),
        [
          [1, 9, 33.3],
          [2, 0, 0],
          [3, 0, 0],
          [4, 9, 33.3],
          ['notAssessable', 0, 0],
          ['noData', 9, 33.3],
        ],
      );
    });

    it('12 of 27 in one category is 44,4 %, not 44,5 % to make the total 100', () => {
      const row = (code: string, category: ConsolidatedRow['category']): ConsolidatedRow => ({ ...rowOf(run([]), '1'), code, category, countsInSummary: true });
      const rows = [
        ...Array.from({ length: 12 }, (_, i) => row(`a${i}`, 1)),
        ...Array.from({ length: 8 }, (_, i) => row(`b${i}`, 2)),
        ...Array.from({ length: 7 }, (_, i) => row(`c${i}`, 'noData')),
      ];
      const summary = summarize(rows);
      assert.deepEqual(summary.categories.map((c) => [c.category, c.count, c.share]), [
        [1, 12, 44.4],
        [2, 8, 29.6],
        [3, 0, 0],
        [4, 0, 0],
        ['notAssessable', 0, 0],
        ['noData', 7, 25.9],
      ]);
      assert.equal(Math.round(summary.categories.reduce((s, c) => s + c.share, 0) * 10) / 10, 99.9);
    });

    it('a change target without last year\'s value is not assessable, never category 4, and is said so', () => {
      const reports: ReportRecord[] = [{ agencyId: 'hn-syt', status: 'submitted', entries: [{ code: '17', value: '5,3' }, { code: '14', value: '90' }] }];
      const t = run(reports);
      const r17 = rowOf(t, '17');
      assert.deepEqual([r17.verdict, r17.category, r17.categoryLabel.vi], ['notAssessable', 'notAssessable', 'Chưa đánh giá được']);
      assert.match(r17.categoryReason.en, /previous value is missing/);
      assert.equal(rowOf(t, '14').category, 4, 'a real miss stays category 4');
      const counts = new Map(t.summary.categories.map((c) => [c.category, c.count]));
      assert.deepEqual([counts.get(4), counts.get('notAssessable')], [1, 1]);
      assert.match(t.summary.sentence.vi, /; 1 chỉ tiêu \(3,7%\) gặp khó khăn; 1 chỉ tiêu chưa đánh giá được; 25 chỉ tiêu chưa có số liệu$/);
      for (const row of t.rows) if (row.verdict === 'notAssessable') assert.notEqual(row.category, 4, row.code);
    });

    it('says how each count moved since the previous period of the plan\'s calendar', () => {
      const before = run(round2023().slice(0, 1), '2023-9M');
      assert.deepEqual(before.summary.categories.map((c) => c.count), [3, 1, 1, 0, 0, 22]);
      const t = run(round2023(), '2023', { previousSummary: { period: before.period, categories: before.summary.categories } });
      assert.equal(t.summary.previousPeriod, '2023-9M');
      assert.deepEqual(t.summary.categories.map((c) => [c.category, c.count, c.change]), [
        [1, 3, 0],
        [2, 3, 2],
        [3, 0, -1],
        [4, 3, 3],
        ['notAssessable', 0, 0],
        ['noData', 18, -4],
      ]);
      assert.equal(
        t.summary.sentence.vi,
        'Trong tổng số 27 chỉ tiêu: 3 chỉ tiêu (11,1%) đã hoàn thành, vượt mục tiêu giai đoạn (không đổi so với 9 tháng năm 2023); ' +
          '3 chỉ tiêu (11,1%) hoàn thành kế hoạch năm (tăng 2); 0 chỉ tiêu (0%) đang triển khai theo tiến độ (giảm 1); ' +
          '3 chỉ tiêu (11,1%) gặp khó khăn (tăng 3); 0 chỉ tiêu chưa đánh giá được (không đổi); 18 chỉ tiêu chưa có số liệu (giảm 4)',
      );
      assert.equal(
        t.summary.sentence.en,
        'Of 27 indicators: 3 (11.1%) already met the plan-period target (unchanged compared with the first nine months of 2023); ' +
          "3 (11.1%) met this year's plan (up 2); 0 (0%) on schedule to meet this year's plan (down 1); 3 (11.1%) facing difficulties (up 3); " +
          '0 not assessable (unchanged); 18 without data (down 4)',
      );
    });

    it('ignores a previous summary that is not one (no period, bad counts)', () => {
      const bad = run(round2023(), '2023', { previousSummary: { period: 'last time', categories: [] } });
      assert.ok(bad.summary.categories.every((c) => c.change === null));
      const odd = run(round2023(), '2023', { previousSummary: { period: '2023-9M', categories: [{ category: 1, count: -4 }, { category: 'x' as never, count: 2 }, null as never] } });
      assert.equal(odd.summary.categories[0]!.change, 3, 'a negative count reads as none');
    });
  });

  describe('the previous report in the plan\'s calendar', () => {
    it('2023 ← 2023-9M ← 2023-6M ← 2022; nothing before the plan\'s first year; null for a kind the plan does not report', () => {
      const ids = (id: string) => previousReportingPeriod(p207().plan, parsePeriod(id)!)?.id ?? null;
      assert.deepEqual(['2023', '2023-9M', '2023-6M', '2022', '2021-6M', '2023-3M'].map(ids), ['2023-9M', '2023-6M', '2022', '2022-9M', null, null]);
      const yearly = { ...p207().plan, reporting: { ...p207().plan.reporting, periods: p207().plan.reporting.periods.filter((x) => x.kind !== '9M') } };
      assert.equal(previousReportingPeriod(yearly, parsePeriod('2023')!)?.id, '2023-6M');
    });
  });

  describe('documents', () => {
    it('by the 2021 6-month cut-off only the Q1 2021 documents are due; unreported, they are "not reported", not "overdue"', () => {
      const t = run([], '2021-6M');
      assert.deepEqual(t.documents.counts, { issued: 0, overdue: 0, notReported: 4, pending: 34 });
      assert.deepEqual(t.documents.rows.filter((r) => r.status === 'notReported').map((r) => r.code), ['2021-Q1.1', '2021-Q1.2', '2021-Q1.3', '2021-Q1.4']);
      assert.equal(t.documents.rows.find((r) => r.code === '2021-Q2.1')!.dueDate, '2021-06-30');
    });

    it('by 2022 every dated 2021 document is due, conditional 2022 documents never are', () => {
      const t = run([], '2022');
      const conditional = t.documents.rows.filter((r) => r.conditional);
      assert.deepEqual(conditional.map((r) => [r.code, r.status]), [['2022.1', 'pending'], ['2022.2', 'pending'], ['2022.3', 'pending'], ['2022.4', 'pending']]);
      assert.deepEqual(t.documents.rows.filter((r) => r.due.kind === 'everyYear').map((r) => [r.code, r.dueDate, r.status]), [
        ['NAM.1', '2022-12-31', 'pending'],
        ['NAM.2', '2022-12-31', 'pending'],
        ['NAM.3', '2022-12-31', 'pending'],
      ]);
      assert.deepEqual(t.documents.counts, { issued: 0, overdue: 0, notReported: 31, pending: 7 });
      assert.deepEqual(run([], '2025').documents.rows.filter((r) => r.conditional).map((r) => r.status), ['pending', 'pending', 'pending', 'pending']);
    });

    it('an issued document is issued, with its number and date, whoever reports it', () => {
      const t = run(
        [
          {
            agencyId: 'hn-syt',
            status: 'submitted',
            entries: [],
            documents: [
              { code: '2021-Q1.1', status: 'issued', reference: 'Quyết định 1234/QĐ-UBND', issuedOn: '2021-03-20' },
              { code: '2022.1', status: 'issued', reference: 'Kế hoạch 5/KH-UBND' },
              { code: '2021-Q2.4', status: 'notIssued' },
            ],
          },
        ],
        '2022',
      );
      const row = (code: string) => t.documents.rows.find((r) => r.code === code)!;
      assert.deepEqual([row('2021-Q1.1').status, row('2021-Q1.1').reference, row('2021-Q1.1').issuedOn], ['issued', 'Quyết định 1234/QĐ-UBND', '2021-03-20']);
      assert.equal(row('2022.1').status, 'issued');
      assert.deepEqual([row('2021-Q2.4').status, row('2021-Q2.4').reportedBy], ['overdue', 'hn-syt'], 'reported as not issued after its due date');
      assert.deepEqual([row('2021-Q2.1').status, row('2021-Q2.1').reportedBy], ['notReported', null], 'nobody said anything about it');
      assert.equal(row('2021-Q1.1').reportedBy, 'hn-syt');
      assert.deepEqual(t.documents.counts, { issued: 2, overdue: 1, notReported: 29, pending: 6 });
    });

    it('the lead of a document follows the reorganisation', () => {
      const t = run([], '2025');
      assert.equal(t.documents.rows.find((r) => r.code === '2021-Q1.1')!.lead, 'hn-syt');
      assert.equal(t.documents.rows.find((r) => r.code === '2021-Q1.2')!.lead, 'hn-snv');
    });
  });

  describe('projects', () => {
    it('the catalog roll-ups are consistent: every group is the sum of its members, TOTAL = A + B', () => {
      const t = run([]);
      assert.deepEqual(t.projects.violations, []);
      assert.ok(t.projects.rows.every((r) => r.consistent), JSON.stringify(t.projects.rows.filter((r) => !r.consistent).map((r) => r.code)));
      const total = t.projects.rows.find((r) => r.code === 'TOTAL')!;
      assert.deepEqual(total.computed, { total: 9_378_825, carriedOver: 2_468_298, new: 6_910_527 });
      assert.equal(t.projects.rows.length, p207().plan.projects.length + p207().plan.projectGroups.length);
      assert.deepEqual(t.projects.rows.filter((r) => r.parent === null).map((r) => r.code), ['A', 'B', 'TOTAL']);
    });

    it('disbursement is summed into groups, up to the grand total', () => {
      const t = run([
        { agencyId: 'hn-syt', status: 'submitted', entries: [], projects: [{ code: 'A.I.1', disbursed: '100.000' }, { code: 'A.I.2', disbursed: 50_000 }, { code: 'A.II.1', disbursed: '8.761' }] },
        { agencyId: 'hn-sldtbxh', status: 'submitted', entries: [], projects: [{ code: 'B.III.1', disbursed: '28.305' }, { code: 'B.III.2', disbursed: 'không rõ' }] },
        { agencyId: 'hn-sgddt', status: 'draft', entries: [], projects: [{ code: 'B.I.1', disbursed: 1 }] },
      ]);
      const row = (code: string) => t.projects.rows.find((r) => r.code === code)!;
      assert.deepEqual(['A.I.1', 'A.I', 'A.II', 'A', 'B.III', 'B.I', 'B', 'TOTAL', 'A.V'].map((c) => [c, row(c).disbursed]), [
        ['A.I.1', 100_000],
        ['A.I', 150_000],
        ['A.II', 8_761],
        ['A', 158_761],
        ['B.III', 28_305],
        ['B.I', null],
        ['B', 28_305],
        ['TOTAL', 187_066],
        ['A.V', null],
      ]);
      assert.equal(row('A.I.1').disbursedShare, Math.round((100_000 / 307_666) * 1000) / 10);
      assert.deepEqual(t.findings, []);
    });

    it('a disbursement written with a magnitude word is converted to million VND, never taken as that many millions', () => {
      const t = run([
        { agencyId: 'hn-syt', status: 'submitted', entries: [], projects: [{ code: 'A.I.1', disbursed: '2,5 tỷ' }, { code: 'A.I.2', disbursed: '28 305 triệu đồng' }] },
      ]);
      const row = (code: string) => t.projects.rows.find((r) => r.code === code)!;
      assert.deepEqual([row('A.I.1').disbursed, row('A.I.2').disbursed, row('A.I').disbursed], [2_500, 28_305, 30_805]);
    });

    it('a broken copy of the plan (one project cost changed) yields roll-up violations', () => {
      const broken = planFile('hn-kh207-2021');
      const project = broken.projects.find((p) => p.code === 'A.I.3')!;
      project.costs = { ...project.costs, total: project.costs.total + 1_000, carriedOver: project.costs.carriedOver + 1_000 };
      const compiled = compilePlan(broken);
      const violations = checkProjectRules(compiled);
      assert.deepEqual(
        violations.map((v) => [v.rule, v.row, v.field, v.computed - v.stated]),
        [
          ['rollup-A.I', 'A.I', 'total', 1_000],
          ['rollup-A.I', 'A.I', 'carriedOver', 1_000],
        ],
      );
      assert.ok(violations.every((v) => v.severity === 'error' && v.message.vi && v.message.en));
      const t = consolidate(compiled, register(), { period: '2023', reports: [] });
      assert.deepEqual(t.projects.violations, violations);
      assert.deepEqual(t.projects.rows.filter((r) => !r.consistent).map((r) => r.code), ['A', 'A.I', 'TOTAL']);

      const split = planFile('hn-kh207-2021');
      split.projects.find((p) => p.code === 'B.V.2')!.costs.total += 7;
      assert.deepEqual(
        checkProjectRules(compilePlan(split)).map((v) => [v.rule, v.row, v.field]),
        [
          ['rollup-B.V', 'B.V', 'total'],
          ['cost-split', 'B.V.2', 'total'],
        ],
      );
    });
  });

  describe('after the 2025 reorganisation', () => {
    it('a report filed by Sở LĐTBXH for 2025 still counts for indicator 9, now led by Sở Y tế', () => {
      const t = run([{ agencyId: 'hn-sldtbxh', status: 'submitted', entries: [{ code: '9', value: 100 }, { code: '1', value: '2,5' }, { code: '12', value: 15 }] }], '2025');
      const r9 = rowOf(t, '9');
      assert.deepEqual([r9.lead, r9.value, r9.source, r9.verdict], ['hn-syt', 100, 'lead', 'met']);
      assert.deepEqual(r9.contributions.map((c) => [c.agencyId, c.role]), [['hn-sldtbxh', 'lead']]);
      const r1 = rowOf(t, '1');
      assert.deepEqual([r1.lead, r1.value, r1.contributions[0]!.role], ['hn-snv', 2.5, 'lead']);
      // Sở LĐTBXH never led health: its figure on indicator 12 is not the citywide value.
      const r12 = rowOf(t, '12');
      assert.deepEqual([r12.lead, r12.value, r12.contributions[0]!.role], ['hn-syt', null, 'other']);
    });

    it("the successor's own figure wins over its predecessor's", () => {
      const r9 = rowOf(
        run(
          [
            { agencyId: 'hn-sldtbxh', status: 'submitted', entries: [{ code: '9', value: 98 }] },
            { agencyId: 'hn-syt', status: 'submitted', entries: [{ code: '9', value: 100 }] },
          ],
          '2025',
        ),
        '9',
      );
      assert.equal(r9.value, 100);
    });

    it('before the merger a coordinating Sở LĐTBXH does not lead an education indicator', () => {
      const r8 = rowOf(run([{ agencyId: 'hn-sldtbxh', status: 'submitted', entries: [{ code: '8', value: 97 }] }]), '8');
      assert.deepEqual([r8.lead, r8.value, r8.contributions[0]!.role], ['hn-sgddt', null, 'other']);
    });

    it('expects Sở Nội vụ and Sở Y tế, not Sở LĐTBXH, and the communes instead of the districts', () => {
      const t = consolidate(p207(), registerWithCommunes(), { period: '2025', reports: [] });
      const ids = t.agencies.map((a) => a.agencyId);
      assert.ok(ids.includes('hn-snv') && ids.includes('hn-syt'));
      assert.ok(!ids.includes('hn-sldtbxh'));
      assert.ok(!ids.some((id) => id.startsWith('hn-q-') || id.startsWith('hn-h-')));
      for (const c of fixtureCommunes()) assert.deepEqual([t.agencies.find((a) => a.agencyId === c.id)?.status, t.agencies.find((a) => a.agencyId === c.id)?.indicators], ['missing', 3]);
      assert.equal(t.agencies.find((a) => a.agencyId === 'hn-syt')!.indicators, 16);
    });

    it('sums the communes for indicator 2 in 2025; a district figure filed for 2025 is not added', () => {
      const communes = fixtureCommunes();
      const t = consolidate(p207(), registerWithCommunes(), {
        period: '2025',
        reports: [
          ...communes.map((c, i): ReportRecord => ({ agencyId: c.id, status: 'submitted', entries: [{ code: '2', value: 1000 * (i + 1) }] })),
          { agencyId: 'hn-q-ba-dinh', status: 'submitted', entries: [{ code: '2', value: 50_000 }] },
        ],
      });
      const r = rowOf(t, '2');
      assert.deepEqual([r.lead, r.value, r.source, r.expectedContributors.length], ['hn-snv', 10_000, 'sum', communes.length]);
      assert.deepEqual(r.contributions.filter((c) => c.role === 'other').map((c) => c.agencyId), ['hn-q-ba-dinh']);
    });
  });
});
