import assert from 'node:assert/strict';
import request from 'supertest';
import { SignInGuard } from '../../server/auth';
import { bearer, startTestServer } from './harness';
import type { TestServer } from './harness';

/**
 * Limits that cannot be turned against others: failed sign-ins are counted per address and
 * only failures are refused, so one misconfigured client behind the city's NAT cannot lock
 * out the agencies, the consolidator or the admin sharing its address.
 */
describe('failed sign-ins lock out no valid token', function () {
  this.timeout(60_000);
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ failedSignInLimit: 20 });
  });
  after(async () => s.close());

  it('after 30 failed sign-ins from one address, every valid token from it is answered; the unknown tokens beyond 20 are 429 with Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await request(s.app).get('/api/me').set(bearer(`asr_misconfigured-client-${String(i).padStart(4, '0')}`));
      statuses.push(res.status);
      if (res.status === 429) {
        assert.equal(res.body.error.code, 'too-many-requests');
        const wait = Number(res.headers['retry-after']);
        assert.ok(Number.isInteger(wait) && wait > 0 && wait <= 15 * 60, `Retry-After ${res.headers['retry-after']}`);
        assert.equal(res.body.error.details.retryAfterSeconds, wait);
      }
    }
    assert.deepEqual(statuses, [...Array(20).fill(401), ...Array(10).fill(429)]);
    for (const who of ['agencyA', 'agencyB', 'district', 'consolidator', 'admin'] as const) {
      const me = await request(s.app).get('/api/me').set(bearer(s.tokens[who])).expect(200);
      assert.match(me.body.tokenId, /^tok_/);
    }
    await request(s.app).get('/api/plans/hn-kh207-2021/periods/2023/consolidated').set(bearer(s.tokens.consolidator)).expect(200);
    await request(s.app)
      .put('/api/plans/hn-kh207-2021/periods/2023/reports/hn-syt')
      .set(bearer(s.tokens.agencyA))
      .set('If-None-Match', '*')
      .send({ entries: [{ code: '11', value: '28,7' }] })
      .expect(201);
    // Still blocked for unknown tokens (and malformed headers), the good ones notwithstanding.
    await request(s.app).get('/api/me').set(bearer('asr_misconfigured-client-9999')).expect(429);
    await request(s.app).get('/api/me').set('Authorization', 'Basic YWRtaW4=').expect(429);
  });

  it('a revoked token counts as a failure like an unknown one', async () => {
    const t = await startTestServer({ failedSignInLimit: 2 });
    try {
      const id = (await t.store.listTokens()).find((r) => r.label === 'BHXH')!.id;
      await request(t.app).delete(`/api/tokens/${id}`).set(bearer(t.tokens.admin)).expect(204);
      await request(t.app).get('/api/me').set(bearer(t.tokens.agencyB)).expect(401);
      await request(t.app).get('/api/me').set(bearer(t.tokens.agencyB)).expect(401);
      await request(t.app).get('/api/me').set(bearer(t.tokens.agencyB)).expect(429);
      await request(t.app).get('/api/me').set(bearer(t.tokens.agencyA)).expect(200);
    } finally {
      await t.close();
    }
  });
});

describe('SignInGuard', () => {
  const MINUTE = 60_000;

  it('blocks an address after the limit until its window ends, and says how long', () => {
    const guard = new SignInGuard(3, 15 * MINUTE);
    for (let i = 0; i < 3; i++) {
      assert.equal(guard.retryAfter('10.0.0.1', 0), 0);
      guard.fail('10.0.0.1', 0);
    }
    assert.equal(guard.retryAfter('10.0.0.1', 0), 15 * 60);
    assert.equal(guard.retryAfter('10.0.0.1', 5 * MINUTE), 10 * 60);
    assert.equal(guard.retryAfter('10.0.0.2', 5 * MINUTE), 0, 'another address is not affected');
    guard.fail('10.0.0.1', 6 * MINUTE); // failing while blocked does not extend the window
    assert.equal(guard.retryAfter('10.0.0.1', 15 * MINUTE - 1), 1);
    assert.equal(guard.retryAfter('10.0.0.1', 15 * MINUTE), 0);
    guard.fail('10.0.0.1', 15 * MINUTE);
    assert.equal(guard.retryAfter('10.0.0.1', 15 * MINUTE), 0, 'a new window starts from one failure');
  });

  it('remembers at most maxAddresses under 100,000 distinct addresses, forgetting the oldest windows first', () => {
    const guard = new SignInGuard(1, 15 * MINUTE, 10_000);
    guard.fail('192.168.1.1', 0);
    assert.ok(guard.retryAfter('192.168.1.1', 0) > 0);
    let peak = 0;
    for (let i = 0; i < 100_000; i++) {
      guard.fail(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, 1 + i);
      peak = Math.max(peak, guard.size);
    }
    assert.equal(peak, 10_000);
    assert.equal(guard.size, 10_000);
    assert.equal(guard.retryAfter('192.168.1.1', 100_001), 0, 'the oldest address was forgotten');
    assert.ok(guard.retryAfter('10.1.134.159', 100_001) > 0, 'the newest (address 99,999) is remembered');
  });
});
