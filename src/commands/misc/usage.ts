import { pyStr } from '../../output/python.js';
import { defineCommand } from '../types.js';

interface QuotaRow extends Record<string, unknown> {
  quota: string;
  limit?: unknown;
  usage?: unknown;
}

/** glanceclient's print_dict_list cell: `str(o.get(field, ''))`, so 0 shows as 0 and None as None. */
const dictCell = (key: string) => (row: QuotaRow) => (key in row ? pyStr(row[key]) : '');

export const usage = defineCommand<Record<string, never>>({
  name: 'usage',
  summary: 'Get quota usage information.',
  description: 'Needs Keystone unified limits on the Glance server (use_keystone_limits); otherwise the table is empty.',
  parse: () => ({}),
  async run(_opts, deps) {
    const client = await deps.glance();
    const body = await client.json<{ usage: Record<string, Record<string, unknown>> }>('GET', '/v2/info/usage');
    const rows: QuotaRow[] = Object.entries(body.usage ?? {}).map(([quota, v]) => ({ ...v, quota }));
    await deps.output.list<QuotaRow>(
      [
        { label: 'Quota', key: 'quota', cell: dictCell('quota') },
        { label: 'Limit', key: 'limit', cell: dictCell('limit') },
        { label: 'Usage', key: 'usage', cell: dictCell('usage') },
      ],
      rows,
    );
  },
});
