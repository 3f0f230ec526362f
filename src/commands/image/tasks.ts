import { CliError } from '../../errors.js';
import type { Column } from '../../output/format.js';
import { defineCommand } from '../types.js';

interface ImageArg {
  image: string;
}

/** Python repr() of a JSON value (PrettyTable prints str() of dict cells, i.e. their repr). */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(value);
  if (typeof value === 'string') {
    const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
    let out = '';
    for (const ch of value) {
      if (ch === '\\') out += '\\\\';
      else if (ch === quote) out += '\\' + ch;
      else if (ch === '\n') out += '\\n';
      else if (ch === '\r') out += '\\r';
      else if (ch === '\t') out += '\\t';
      else if (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f) out += '\\x' + ch.charCodeAt(0).toString(16).padStart(2, '0');
      else out += ch;
    }
    return quote + out + quote;
  }
  if (Array.isArray(value)) return '[' + value.map(pyRepr).join(', ') + ']';
  if (typeof value === 'object') {
    return '{' + Object.entries(value as Record<string, unknown>).map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ') + '}';
  }
  return String(value);
}

/** print_dict_list cell: `str(o.get(field, ''))` — None prints as None, dicts as their repr. */
export function dictListCell(row: Record<string, unknown>, key: string): string {
  if (!(key in row)) return '';
  const v = row[key];
  if (typeof v === 'string') return v;
  return pyRepr(v);
}

export const imageTasks = defineCommand<ImageArg>({
  name: 'image-tasks',
  summary: 'Get tasks associated with image',
  args: [{ name: 'IMAGE_ID', description: 'Name or ID of image to get tasks.', complete: 'images' }],
  parse: ({ args }) => ({ image: args[0] as string }),
  async run(opts, deps) {
    const client = await deps.glance();
    const { resolveImageId, getImageTasks } = await import('../../glance/images.js');
    const { HttpError } = await import('../../http.js');
    const id = await resolveImageId(client, opts.image);
    let tasks;
    try {
      tasks = await getImageTasks(client, id);
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) throw new CliError(`Image ${opts.image} not found.`);
      throw err;
    }
    let labels = ['Message', 'Status', 'Updated at'];
    if (deps.globals.verbose) {
      labels = ['Image Id', 'Task Id', ...labels, 'User Id', 'Request Id', 'Result', 'Owner', 'Input', 'Expires at'];
    }
    const columns: Column<Record<string, unknown>>[] = labels.map((label) => {
      const key = label === 'Task Id' ? 'id' : label.toLowerCase().replace(/ /g, '_');
      return { label, key, cell: (row) => dictListCell(row, key) };
    });
    await deps.output.list(columns, tasks as Record<string, unknown>[]);
  },
});
