import { openPgStore } from '../../server/storage/pg-store';
import { requirePg, sharedCluster, stopSharedClusterAfterAll } from '../support/pg-cluster';
import { storeContract } from './store-contract';

stopSharedClusterAfterAll();

if (requirePg()) {
  storeContract('PostgreSQL', async () => {
    const cluster = await sharedCluster();
    const url = await cluster.createDatabase();
    const store = await openPgStore({ url, log: () => {} });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await cluster.dropDatabase(url);
      },
    };
  });
}
