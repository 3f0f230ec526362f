import { getImportInfo } from '../../glance/info.js';
import { defineCommand } from '../types.js';

export const importInfo = defineCommand<Record<string, never>>({
  name: 'import-info',
  summary: 'Print import methods available from Glance.',
  parse: () => ({}),
  async run(_opts, deps) {
    const info = await getImportInfo(await deps.glance());
    await deps.output.record(info as unknown as Record<string, unknown>);
  },
});
