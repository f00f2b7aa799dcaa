import assert from 'node:assert/strict';
import { CatalogService } from '../../server/catalog-service';
import { PreviousValues } from '../../server/services/previous-values';
import { Lookups } from '../../server/services/lookups';
import { openMemoryStore } from '../../server/storage/lowdb-store';
import type { Store } from '../../server/storage/types';
import { audit, ok, reportWrite } from './store-contract';

/**
 * Last year's citywide values: every PUT of a period needs them. On a cold cache, PUTs that
 * arrive together share one computation (the histories behind it may be read from disk, see
 * the embedded store's revisions file), and a write of last year's period makes them stale.
 */
describe('last year\'s values (server/services/previous-values.ts)', () => {
  it('computes once for PUTs arriving together on a cold cache, and again after a write of last year\'s period', async () => {
    const store = await openMemoryStore({ now: () => new Date('2023-11-01T08:00:00Z') });
    const catalog = await CatalogService.open(store);
    const key = { planId: 'hn-kh207-2021', period: '2022', agencyId: 'hn-syt' };
    ok(await store.putReport(key, 0, { ...reportWrite(key, 28.7), entries: [{ code: '11', value: 28.7 }], status: 'submitted' }, { audit: audit('report.put') }));
    let listings = 0;
    const counting: Store = new Proxy(store, {
      get(target, name, receiver) {
        if (name === 'listReports') listings++;
        return Reflect.get(target, name, receiver) as unknown;
      },
    });
    const values = new PreviousValues(counting, new Lookups(catalog));
    const answers = await Promise.all(Array.from({ length: 20 }, () => values.of({ planId: key.planId, period: '2023' })));
    assert.equal(listings, 1, 'one computation for twenty callers');
    for (const a of answers) assert.deepEqual(a, answers[0]);
    assert.equal(answers[0]?.['11'], 28.7, 'the 2022 figure of Sở Y tế is last year\'s value for 2023');
    await values.of({ planId: key.planId, period: '2023' });
    assert.equal(listings, 1, 'then from the cache');
    values.periodChanged(key.planId, '2022');
    await Promise.all([values.of({ planId: key.planId, period: '2023' }), values.of({ planId: key.planId, period: '2023' })]);
    assert.equal(listings, 2, 'stale after a write of 2022: computed again, once');
    await store.close();
  });
});
