import { InMemoryStore } from '../../shared/storage/memory-store.ts';
import { runStoreContract } from '../support/store-contract.ts';

runStoreContract('InMemoryStore', async () => new InMemoryStore(), { manyKeys: 1_050 });
