/**
 * Plans written as tasks (shared/tasks.ts): which tasks an agency reports, when a task is
 * due, statuses given as labels or codes, evidence read into document references, and the
 * findings validateReport gives on task entries.
 */
import assert from 'node:assert/strict';
import { parsePeriod } from '../../shared/periods';
import type { Period } from '../../shared/periods';
import { parseEvidence, taskDueDate, taskIsDue, tasksLedBy } from '../../shared/tasks';
import { readTaskStatus } from '../../shared/layout/labels';
import { validateReport } from '../../shared/validate';
import { consolidate } from '../../shared/consolidate';
import { plan, register, taskPlan } from '../fixtures/hanoi';

const period = (id: string): Period => {
  const p = parsePeriod(id);
  if (!p) throw new Error(`bad period ${id}`);
  return p;
};

function check(agencyId: string, periodId: string, tasks: unknown[]) {
  return validateReport(taskPlan(), { agencyId, period: periodId, entries: [], tasks: tasks as never }, { register: register() });
}
const taskFindings = (report: ReturnType<typeof check>) => report.findings.filter((f) => f.field === 'task');

describe('task plans', () => {
  it('gives each agency the tasks it leads, not those it coordinates', () => {
    assert.deepEqual(tasksLedBy(taskPlan(), register(), 'hn-syt', period('2026')).map((t) => t.code), ['IV.2.1', 'IV.2.2', 'IV.2.3']);
    assert.deepEqual(tasksLedBy(taskPlan(), register(), 'hn-snv', period('2026-6M')).map((t) => t.code), ['IV.1.1', 'IV.1.2']);
    assert.deepEqual(tasksLedBy(taskPlan(), register(), 'hn-sgddt', period('2026')), []);
    // The catalog plans have no tasks and keep working unchanged.
    assert.equal(plan('hn-kh207-2021').plan.tasks.length, 0);
  });

  it('dates a task: once by the last day, by a date, every year by the annual cut-off', () => {
    const [yearly, byDate, once] = ['IV.1.1', 'IV.1.2', 'IV.2.1'].map((code) => taskPlan().plan.tasks.find((t) => t.code === code)!);
    assert.equal(taskDueDate(taskPlan(), once!, period('2026')), '2027-12-31');
    assert.equal(taskDueDate(taskPlan(), byDate!, period('2026-6M')), '2026-03-31');
    assert.equal(taskDueDate(taskPlan(), yearly!, period('2026-6M')), '2026-12-14');
    assert.equal(taskIsDue(taskPlan(), yearly!, period('2026-6M')), false);
    assert.equal(taskIsDue(taskPlan(), yearly!, period('2026')), true);
    assert.equal(taskIsDue(taskPlan(), byDate!, period('2026-6M')), true);
    assert.equal(taskIsDue(taskPlan(), once!, period('2026')), false);
  });

  it('reads a status as the dropdown label in either language, or as its code', () => {
    assert.equal(readTaskStatus('Hoàn thành'), 'completed');
    assert.equal(readTaskStatus('  đang thực hiện '), 'inProgress');
    assert.equal(readTaskStatus('Chua thuc hien'), 'notStarted');
    assert.equal(readTaskStatus('Chưa đến hạn'), 'notYetDue');
    assert.equal(readTaskStatus('Not yet due'), 'notYetDue');
    assert.equal(readTaskStatus('completed'), 'completed');
    assert.equal(readTaskStatus('xong rồi'), null);
    assert.equal(readTaskStatus(3), null);
  });

  it('reads evidence into document references; a date it cannot read is flagged, the text kept', () => {
    const refs = parseEvidence('Kế hoạch 45/KH-SLĐTBXH ngày 12/3/2022; Báo cáo số 120/BC-SLĐTBXH ngày 10 tháng 12 năm 2022\nQuyết định 09/2019/NĐ-CP ngày 31/2/2019');
    assert.deepEqual(
      refs.map((r) => [r.kind, r.number, r.date, r.dateUnreadable]),
      [
        ['Kế hoạch', '45/KH-SLĐTBXH', '2022-03-12', false],
        ['Báo cáo', '120/BC-SLĐTBXH', '2022-12-10', false],
        ['Quyết định', '09/2019/NĐ-CP', null, true],
      ],
    );
    assert.equal(refs[2]?.text, 'Quyết định 09/2019/NĐ-CP ngày 31/2/2019');
    assert.deepEqual(parseEvidence('Công văn gửi Sở'), [{ text: 'Công văn gửi Sở', kind: null, number: null, date: null, dateUnreadable: false }]);
    assert.deepEqual(parseEvidence(undefined), []);
    // A date before the number, text in decomposed Unicode, "số" before the number.
    assert.deepEqual(
      parseEvidence('Ngày 5/4/2026, Quyết định số 1234/QĐ-UBND'.normalize('NFD')).map((r) => [r.kind, r.number, r.date]),
      [['Quyết định', '1234/QĐ-UBND', '2026-04-05']],
    );
  });

  it('accepts a consistent report of the tasks an agency leads', () => {
    const report = check('hn-syt', '2026', [
      { code: 'IV.2.1', status: 'inProgress', account: 'Đã lấy ý kiến các sở' },
      { code: 'IV.2.2', status: 'Hoàn thành', evidence: 'Hướng dẫn 12/HD-SYT ngày 20/5/2026' },
      { code: 'IV.2.3', status: 'completed', evidence: 'Báo cáo 300/BC-SYT ngày 1/12/2026' },
    ]);
    assert.deepEqual(taskFindings(report), []);
    // Only the indicator the agency leads is still missing.
    assert.deepEqual(report.findings.map((f) => [f.code, f.indicator]), [['required', '2']]);
    assert.deepEqual(report.tasks.map((t) => [t.code, t.status, t.due]), [['IV.2.1', 'inProgress', false], ['IV.2.2', 'completed', true], ['IV.2.3', 'completed', true]]);
    assert.equal(report.tasks[1]?.evidence[0]?.date, '2026-05-20');
  });

  it('finds statuses that contradict the due date, missing accounts, unknown and foreign tasks, missing statuses', () => {
    const report = check('hn-syt', '2026', [
      { code: 'IV.2.2', status: 'notYetDue' },
      { code: 'IV.2.3', status: 'Chưa đến hạn' },
      { code: 'IV.1.1', status: 'completed' },
      { code: 'IX.9', status: 'completed' },
      { code: 'IV.2.2', status: 'completed' },
    ]);
    const codes = taskFindings(report).map((f) => [f.code, f.task, f.variant ?? null]);
    assert.deepEqual(codes, [
      ['task-status-contradicts-due', 'IV.2.2', null],
      ['task-status-contradicts-due', 'IV.2.3', 'every-year'],
      ['task-not-led', 'IV.1.1', null],
      ['task-unknown', 'IX.9', null],
      ['task-duplicate', 'IV.2.2', null],
      ['task-status-missing', 'IV.2.1', null],
    ]);
    const contradiction = taskFindings(report)[0]!;
    assert.match(contradiction.message.vi, /IV\.2\.2 \(Hướng dẫn khám sức khỏe định kỳ cho người cao tuổi\).*31\/05\/2026.*14\/12\/2026/);
    assert.match(contradiction.message.en, /Task IV\.2\.2 .*31 May 2026/);
    assert.match(taskFindings(report)[2]!.message.vi, /Sở Nội vụ/);
    assert.equal(report.valid, false);
  });

  it('asks for an account of a task not started after its due date, not before', () => {
    const late = check('hn-snv', '2026-6M', [{ code: 'IV.1.1', status: 'notYetDue' }, { code: 'IV.1.2', status: 'Chưa thực hiện' }]);
    assert.deepEqual(taskFindings(late).map((f) => f.code), ['task-account-required']);
    assert.match(taskFindings(late)[0]!.message.vi, /IV\.1\.2.*quá hạn \(31\/03\/2026\)/);
    const explained = check('hn-snv', '2026-6M', [{ code: 'IV.1.1', status: 'notStarted' }, { code: 'IV.1.2', status: 'notStarted', account: 'Chờ hướng dẫn của Bộ' }]);
    assert.deepEqual(taskFindings(explained), []);
  });

  it('keeps evidence with an unreadable date and says so; a status it cannot read is a missing status', () => {
    const report = check('hn-syt', '2026-6M', [
      { code: 'IV.2.1', status: 'inProgress', evidence: 'Tờ trình 5/TTr-SYT ngày 12/13/2026' },
      { code: 'IV.2.2', status: 'xong' },
      { code: 'IV.2.3', status: 'notYetDue' },
    ]);
    assert.deepEqual(taskFindings(report).map((f) => [f.code, f.variant ?? null, f.severity]), [
      ['task-evidence-date-unreadable', null, 'warning'],
      ['task-status-missing', 'unreadable', 'error'],
    ]);
    assert.equal(report.tasks[0]?.evidence[0]?.text, 'Tờ trình 5/TTr-SYT ngày 12/13/2026');
  });
});

describe('task plans: the citywide task table', () => {
  const reports = [
    {
      agencyId: 'hn-syt',
      status: 'submitted' as const,
      entries: [],
      tasks: [
        { code: 'IV.2.1', status: 'inProgress' as const, account: 'Đã lấy ý kiến các sở' },
        { code: 'IV.2.2', status: 'notStarted' as const, account: 'Chờ hướng dẫn của Bộ Y tế' },
        { code: 'IV.2.3', status: 'completed' as const, evidence: 'Báo cáo 300/BC-SYT ngày 1/12/2026' },
        // A coordinator's word on another agency's task does not count.
        { code: 'IV.1.2', status: 'completed' as const },
      ],
    },
    { agencyId: 'hn-snv', status: 'draft' as const, entries: [], tasks: [{ code: 'IV.1.1', status: 'completed' as const }] },
  ];

  it("takes each task's status from its lead's counted report, counts per status and agency, lists the overdue ones", () => {
    const table = consolidate(taskPlan(), register(), { period: '2026', reports });
    assert.deepEqual(table.tasks.rows.map((r) => [r.code, r.lead, r.status, r.isDue, r.overdue]), [
      ['IV.1.1', 'hn-snv', 'notReported', true, true],
      ['IV.1.2', 'hn-snv', 'notReported', true, true],
      ['IV.2.1', 'hn-syt', 'inProgress', false, false],
      ['IV.2.2', 'hn-syt', 'notStarted', true, true],
      ['IV.2.3', 'hn-syt', 'completed', true, false],
    ]);
    assert.deepEqual(table.tasks.counts, { completed: 1, inProgress: 1, notStarted: 1, notYetDue: 0, notReported: 2 });
    assert.deepEqual(table.tasks.byAgency.map((a) => [a.agencyId, a.agency.vi, a.total, a.counts.completed, a.counts.notReported, a.overdue]), [
      ['hn-snv', 'Sở Nội vụ', 2, 0, 2, 2],
      ['hn-syt', 'Sở Y tế', 3, 1, 0, 1],
    ]);
    assert.deepEqual(table.tasks.overdue.map((o) => [o.code, o.status, o.account]), [
      ['IV.1.1', 'notReported', null],
      ['IV.1.2', 'notReported', null],
      ['IV.2.2', 'notStarted', 'Chờ hướng dẫn của Bộ Y tế'],
    ]);
    assert.equal(table.tasks.rows[4]?.evidence[0]?.number, '300/BC-SYT');
    assert.deepEqual(table.agencies.map((a) => [a.agencyId, a.tasks]), [['hn-snv', 2], ['hn-syt', 3]]);
    // With the drafts, Sở Nội vụ's draft counts.
    const drafts = consolidate(taskPlan(), register(), { period: '2026', reports, includeDrafts: true });
    assert.equal(drafts.tasks.rows[0]?.status, 'completed');
  });

  it('has an empty task table for the catalog plans', () => {
    const table = consolidate(plan('hn-kh207-2021'), register(), { period: '2023', reports: [] });
    assert.deepEqual(table.tasks, { rows: [], counts: { completed: 0, inProgress: 0, notStarted: 0, notYetDue: 0, notReported: 0 }, byAgency: [], overdue: [] });
  });
});

describe('task plans: untrusted task entries', () => {
  it('never throws on task entries of the wrong shape, in validation or consolidation', () => {
    const junk: unknown[] = ['x', 5, null, [], { code: 5 }, { code: 'IV.2.1', status: {} }, { code: 'IV.2.2', status: 7, account: [], evidence: { a: 1 } }, { code: '__proto__', status: 'completed' }];
    for (const tasks of [junk, 'tasks', null, { length: 3 }]) {
      const report = validateReport(taskPlan(), { agencyId: 'hn-syt', period: '2026', entries: [], tasks: tasks as never }, { register: register() });
      assert.ok(report.findings.every((f) => f.message.vi && f.message.en));
      const table = consolidate(taskPlan(), register(), { period: '2026', reports: [{ agencyId: 'hn-syt', status: 'submitted', entries: [], tasks: tasks as never }] });
      assert.equal(table.tasks.rows.length, 5);
    }
    const report = validateReport(taskPlan(), { agencyId: 'hn-syt', period: '2026', entries: [], tasks: junk as never }, { register: register() });
    assert.deepEqual(report.findings.filter((f) => f.field === 'task').map((f) => [f.code, f.task ?? null]), [
      ['task-unknown', null],
      ['task-unknown', null],
      ['task-unknown', null],
      ['task-unknown', null],
      ['task-unknown', null],
      ['task-status-missing', 'IV.2.1'],
      ['task-status-missing', 'IV.2.2'],
      ['task-unknown', '__proto__'],
      ['task-status-missing', 'IV.2.3'],
    ]);
  });
});
