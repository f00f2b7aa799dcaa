import { openPgStore } from '../../server/storage/pg-store';
import type { Store } from '../../server/storage/types';
import { requirePg, sharedCluster, stopSharedClusterAfterAll } from '../support/pg-cluster';
import { storeContract } from './store-contract';

stopSharedClusterAfterAll();

if (requirePg()) {
  storeContract('PostgreSQL', async () => {
    const cluster = await sharedCluster();
    const url = await cluster.createDatabase();
    const store = await openPgStore({ url, log: () => {} });
    const others: Store[] = [];
    return {
      store,
      // Another pool on the same database: what a second server process has.
      another: async () => {
        const other = await openPgStore({ url, log: () => {} });
        others.push(other);
        return other;
      },
      cleanup: async () => {
        for (const other of others) await other.close();
        await store.close();
        await cluster.dropDatabase(url);
      },
    };
  }, { sharedByProcesses: true });
}
