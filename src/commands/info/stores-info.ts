import { getStores } from '../../glance/info.js';
import { defineCommand } from '../types.js';

export const storesInfo = defineCommand<{ detail: boolean }>({
  name: 'stores-info',
  summary: 'Print available backends from Glance.',
  options: [{ flags: '--detail', description: 'Shows details of stores. Admin only.' }],
  parse: ({ flags }) => ({ detail: !!flags.detail }),
  async run(opts, deps) {
    const info = await getStores(await deps.glance(), opts.detail);
    await deps.output.record(info as unknown as Record<string, unknown>);
  },
});
