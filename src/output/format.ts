/**
 * The formatter layer: commands hand over a record (Property/Value) or columns + rows, and get
 * table (glanceclient's shapes), json, yaml or value output, with -c column selection, for free.
 */
import { UsageError } from '../errors.js';
import { writeOut, type IO } from './io.js';
import { renderPrettyTable, type Align } from './prettytable.js';
import { pyJsonDumps, pyStr } from './python.js';

export const FORMATS = ['table', 'json', 'yaml', 'value'] as const;
export type Format = (typeof FORMATS)[number];

export interface OutputOptions {
  format: Format;
  /** -c/--column selections, in the order given */
  columns: string[];
}

export interface Column<T = Record<string, unknown>> {
  label: string;
  /** field of the raw object this column shows (also the key in json/yaml output) */
  key: string;
  /** table cell text; default: glanceclient's `value or ''` */
  cell?: (row: T) => string;
  /** PrettyTable max_width for this column only (print_list field_settings, e.g. md-object-list) */
  maxWidth?: number;
}

export interface RecordOptions {
  /** what the table shows when it differs from the data (e.g. print_image's 'Not available') */
  table?: Record<string, unknown>;
  maxWidth?: number;
}

export interface ListOptions {
  align?: Align | Align[];
  /** glanceclient's empty-list behaviour is an empty table; some commands print a line instead */
  emptyMessage?: string;
}

const norm = (s: string) => s.toLowerCase().replace(/[\s-]+/g, '_');

/** glanceclient print_list cell: `getattr(o, field) or ''`, so None, 0 and False print empty. */
export function listCell(value: unknown): string {
  if (value === null || value === undefined || value === 0 || value === false || value === '') return '';
  if (Array.isArray(value) || typeof value === 'object') return pyJsonDumps(value);
  return pyStr(value);
}

function valueText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export class Output {
  constructor(
    private readonly io: IO,
    readonly options: OutputOptions = { format: 'table', columns: [] },
  ) {}

  get format(): Format {
    return this.options.format;
  }

  async write(text: string): Promise<void> {
    await writeOut(this.io.stdout, text.endsWith('\n') ? text : text + '\n');
  }

  /** Pick the -c selected keys of a record; unknown names are a usage error naming the choices. */
  private selectKeys(available: string[]): string[] {
    if (!this.options.columns.length) return available;
    return this.options.columns.map((c) => {
      const hit = available.find((k) => k === c) ?? available.find((k) => norm(k) === norm(c));
      if (!hit) throw new UsageError(`No column '${c}'; available: ${available.join(', ')}`);
      return hit;
    });
  }

  async record(data: Record<string, unknown>, opts: RecordOptions = {}): Promise<void> {
    const shown = opts.table ?? data;
    switch (this.options.format) {
      case 'json': {
        const keys = this.selectKeys(Object.keys(data));
        return this.write(JSON.stringify(Object.fromEntries(keys.map((k) => [k, data[k]])), null, 2));
      }
      case 'yaml': {
        const keys = this.selectKeys(Object.keys(data));
        return this.write(await toYaml(Object.fromEntries(keys.map((k) => [k, data[k]]))));
      }
      case 'value': {
        const keys = this.selectKeys(Object.keys(shown).sort());
        return this.write(keys.map((k) => valueText(shown[k])).join('\n'));
      }
      case 'table': {
        const keys = this.selectKeys(Object.keys(shown));
        const rows = keys.map((k) => {
          const v = shown[k];
          return [k, Array.isArray(v) || (v && typeof v === 'object') ? pyJsonDumps(v) : pyStr(v)];
        });
        return this.write(
          renderPrettyTable(['Property', 'Value'], rows, { align: 'l', maxWidth: opts.maxWidth ?? 80, sortBy: 0 }),
        );
      }
    }
  }

  async list<T extends Record<string, unknown>>(columns: Column<T>[], rows: T[], opts: ListOptions = {}): Promise<void> {
    // -c may name a default column by label or key, or any other field of the raw objects
    let cols = columns;
    if (this.options.columns.length) {
      const extraKeys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
      cols = this.options.columns.map((c) => {
        const hit =
          columns.find((col) => col.label === c || col.key === c) ??
          columns.find((col) => norm(col.label) === norm(c) || norm(col.key) === norm(c));
        if (hit) return hit;
        const key = extraKeys.find((k) => k === c) ?? extraKeys.find((k) => norm(k) === norm(c));
        if (key) return { label: key, key } as Column<T>;
        const choices = [...new Set([...columns.map((col) => col.label), ...extraKeys])];
        throw new UsageError(`No column '${c}'; available: ${choices.join(', ')}`);
      });
    }
    switch (this.options.format) {
      case 'json':
        return this.write(JSON.stringify(this.options.columns.length ? rows.map((r) => pick(r, cols)) : rows, null, 2));
      case 'yaml':
        return this.write(await toYaml(this.options.columns.length ? rows.map((r) => pick(r, cols)) : rows));
      case 'value':
        if (!rows.length) return;
        return this.write(rows.map((r) => cols.map((c) => valueText(r[c.key])).join(' ')).join('\n'));
      case 'table':
        if (!rows.length && opts.emptyMessage) return this.write(opts.emptyMessage);
        return this.write(
          renderPrettyTable(
            cols.map((c) => c.label),
            rows.map((r) => cols.map((c) => (c.cell ? c.cell(r) : listCell(r[c.key])))),
            { align: opts.align ?? 'l', maxWidths: cols.map((c) => c.maxWidth) },
          ),
        );
    }
  }
}

function pick<T extends Record<string, unknown>>(row: T, cols: Column<T>[]): Record<string, unknown> {
  return Object.fromEntries(cols.map((c) => [c.key, row[c.key]]));
}

async function toYaml(value: unknown): Promise<string> {
  const { stringify } = await import('yaml');
  return stringify(value);
}
