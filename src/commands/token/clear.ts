import { defineCommand } from '../types.js';
import { currentKey, openCache } from './common.js';

export const tokenCacheClear = defineCommand<Record<string, never>>({
  name: 'token-cache clear',
  summary: 'Forget every cached token (keychain entries and files); the next run authenticates.',
  examples: ['tsglance token-cache clear'],
  parse: () => ({}),
  async run(_opts, deps) {
    const store = await openCache(deps);
    const current = await currentKey(deps);
    const removed = await store.clear(current ? [current] : []);
    deps.warn(`Removed ${removed} cached token${removed === 1 ? '' : 's'} (${store.files.dir}).`);
  },
});
