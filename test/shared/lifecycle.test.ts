import assert from 'node:assert/strict';
import { ACTIONS, LIFECYCLE_ACTIONS, REPORT_STATUSES, SUBMISSION_STATUSES, SUBMITTED_STATUSES, SUBMIT_RESULTS, allowedActions, allowedFrom, isReportStatus, transition } from '../../shared/lifecycle';
import type { LifecycleRole, ReportStatus } from '../../shared/lifecycle';
import { API_ANSWERS, API_ERRORS } from '../../shared/catalogue/api-errors';
import { render } from '../../shared/catalogue/render';

const ROLES: LifecycleRole[] = ['agency', 'consolidator', 'admin'];
const FROM: Array<ReportStatus | null> = [null, ...REPORT_STATUSES];

describe('the report lifecycle (shared/lifecycle.ts)', () => {
  it('has one list of statuses; the table adds only "missing"', () => {
    assert.deepEqual([...REPORT_STATUSES], ['draft', 'submitted', 'late', 'approved', 'returned']);
    assert.deepEqual([...SUBMISSION_STATUSES], ['missing', ...REPORT_STATUSES]);
    assert.ok(REPORT_STATUSES.every(isReportStatus));
    assert.ok(!isReportStatus('missing') && !isReportStatus('Draft') && !isReportStatus(3));
  });

  it('goes draft → submitted → approved → returned → draft → late for the roles that may act', () => {
    const steps: Array<[ReportStatus | null, 'save' | 'submit' | 'approve' | 'return', LifecycleRole, ReportStatus, boolean?]> = [
      [null, 'save', 'agency', 'draft'],
      ['draft', 'submit', 'agency', 'submitted'],
      ['submitted', 'approve', 'consolidator', 'approved'],
      ['approved', 'return', 'consolidator', 'returned'],
      ['returned', 'save', 'agency', 'draft'],
      ['draft', 'submit', 'admin', 'late', true],
      ['late', 'approve', 'admin', 'approved'],
    ];
    for (const [from, action, role, to, afterDeadline] of steps) {
      const step = transition(from, action, { role, afterDeadline });
      assert.deepEqual(step, { ok: true, action, from, to, late: afterDeadline === true }, `${from} ${action} by ${role}`);
    }
  });

  it('submit after the deadline is late, before it submitted; late only counts for submit', () => {
    assert.equal((transition('returned', 'submit', { role: 'agency', afterDeadline: true }) as { to: string }).to, 'late');
    assert.equal((transition('returned', 'submit', { role: 'agency', afterDeadline: false }) as { to: string }).to, 'submitted');
    assert.deepEqual(transition('late', 'return', { role: 'admin', afterDeadline: true }), { ok: true, action: 'return', from: 'late', to: 'returned', late: false });
  });

  it('names what submit gives (SUBMIT_RESULTS): exactly the statuses it reaches, the submitted ones', () => {
    const reached = new Set<ReportStatus>();
    for (const from of FROM) {
      for (const afterDeadline of [false, true]) {
        const step = transition(from, 'submit', { role: 'agency', afterDeadline });
        if (step.ok) reached.add(step.to);
      }
    }
    assert.deepEqual([...reached].sort(), [...SUBMIT_RESULTS].sort());
    assert.deepEqual([...SUBMITTED_STATUSES].sort(), [...SUBMIT_RESULTS].sort());
  });

  it('refuses with a reason: the role first, then the status', () => {
    assert.deepEqual(transition('draft', 'approve', { role: 'agency' }), { ok: false, action: 'approve', from: 'draft', refusal: 'role-forbidden' });
    assert.deepEqual(transition('submitted', 'save', { role: 'consolidator' }), { ok: false, action: 'save', from: 'submitted', refusal: 'role-forbidden' });
    assert.deepEqual(transition('approved', 'save', { role: 'agency' }), { ok: false, action: 'save', from: 'approved', refusal: 'locked' });
    assert.deepEqual(transition('approved', 'submit', { role: 'admin' }), { ok: false, action: 'submit', from: 'approved', refusal: 'locked' });
    assert.deepEqual(transition('draft', 'approve', { role: 'consolidator' }), { ok: false, action: 'approve', from: 'draft', refusal: 'not-submitted' });
    assert.deepEqual(transition('approved', 'approve', { role: 'consolidator' }), { ok: false, action: 'approve', from: 'approved', refusal: 'not-submitted' });
    assert.deepEqual(transition('returned', 'return', { role: 'consolidator' }), { ok: false, action: 'return', from: 'returned', refusal: 'nothing-to-return' });
    assert.deepEqual(transition(null, 'submit', { role: 'agency' }), { ok: false, action: 'submit', from: null, refusal: 'report-not-found' });
    assert.deepEqual(transition(null, 'approve', { role: 'consolidator' }), { ok: false, action: 'approve', from: null, refusal: 'report-not-found' });
  });

  it('every refusal has its own API error code, and every action and role combination agrees with allowedActions', () => {
    for (const from of FROM) {
      for (const role of ROLES) {
        const allowed = allowedActions(from, role);
        for (const action of LIFECYCLE_ACTIONS) {
          const step = transition(from, action, { role });
          assert.equal(step.ok, allowed.includes(action), `${from} ${action} ${role}`);
          if (!step.ok) assert.ok(API_ERRORS[step.refusal], `${step.refusal} is an API error code`);
        }
      }
    }
  });

  it('tells the pane which buttons to offer, "missing" being no report', () => {
    assert.deepEqual(allowedActions('submitted', 'consolidator'), ['approve', 'return']);
    assert.deepEqual(allowedActions('approved', 'consolidator'), ['return']);
    assert.deepEqual(allowedActions('draft', 'consolidator'), []);
    assert.deepEqual(allowedActions('missing', 'agency'), ['save']);
    assert.deepEqual(allowedActions('approved', 'agency'), []);
    assert.deepEqual(allowedActions('late', 'admin'), ['save', 'submit', 'approve', 'return']);
    assert.equal(allowedFrom('approve', 'missing'), false);
    assert.equal(allowedFrom('return', 'late'), true);
    for (const action of LIFECYCLE_ACTIONS) assert.ok(ACTIONS[action].roles.length > 0);
  });
});

describe('the API error catalogue (shared/catalogue/api-errors.ts)', () => {
  it('gives each code one status and a title and message in both languages, every placeholder the same in both', () => {
    const placeholders = (t: string) => [...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [code, e] of Object.entries(API_ANSWERS)) {
      if (e.kind === 'upload') continue; // answered as upload-<code>, checked with its kind (catalogue.test.ts)
      assert.equal(e.code, code);
      assert.ok(e.status >= 400 && e.status < 600, code);
      for (const t of [e.title, e.message]) assert.ok(t.vi.trim() && t.en.trim() && t.vi !== t.en, `${code}: vi and en`);
      assert.deepEqual(placeholders(e.message.vi), placeholders(e.message.en), code);
    }
    assert.equal(API_ERRORS['plan-not-found'].status, 404);
    assert.equal(API_ERRORS['not-submitted'].status, 409);
  });

  it('fills {name} placeholders with the one renderer and leaves an unknown one visible', () => {
    assert.equal(render(API_ERRORS['plan-not-found'], { planId: 'hn-x' }).message.vi, 'Không có kế hoạch "hn-x"');
    assert.equal(render(API_ERRORS['plan-exists'], { planId: 'hn-x' }).message.en, 'Plan hn-x exists (revision {revision}); raise "revision" to add a new one');
    assert.equal(render(API_ERRORS['has-errors'], { errors: 0 }).message.en, 'The report still has 0 errors; fix them before submitting');
  });
});
