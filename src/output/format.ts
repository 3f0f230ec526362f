/**
 * The formatter layer: commands hand over a record (Property/Value) or columns + rows, and get
 * table (glanceclient's shapes), json, yaml, csv or value output, with -c column selection,
 * --sort-column and --max-width/--fit-width (python-openstackclient's habits), for free.
 */
import { UsageError } from '../errors.js';
import { writeOut, type IO } from './io.js';
import { renderPrettyTable, type Align } from './prettytable.js';
import { pyJsonDumps, pyStr } from './python.js';

export const FORMATS = ['table', 'json', 'yaml', 'csv', 'value'] as const;
export type Format = (typeof FORMATS)[number];

export interface OutputOptions {
  format: Format;
  /** -c/--column selections, in the order given */
  columns: string[];
  /** --sort-column: list rows sorted by these columns, the first one given first */
  sortColumns?: string[];
  /** --noindent: JSON on one line */
  noIndent?: boolean;
  /** --max-width / --fit-width: a table is wrapped to fit this many columns; undefined: as glanceclient */
  tableWidth?: number;
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

/** C0 controls but tab and newline, DEL and C1 controls: what a terminal would act on. */
const TERMINAL_CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
const hex = (c: string) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;

/**
 * A table cell fit for a terminal: a name or property holding escape sequences must not move the
 * cursor, recolour or retitle the operator's terminal. Only on a TTY: piped tables stay exact.
 */
export function terminalSafe(text: string): string {
  return text.replace(TERMINAL_CONTROLS, hex);
}

/**
 * -f value: one record per line, fields separated by spaces, so a newline (or carriage return)
 * inside a value is written as \n (\r), and other control characters as \xNN, on a TTY or not.
 */
export function valueText(value: unknown): string {
  return plainText(value).replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(TERMINAL_CONTROLS, hex);
}

/**
 * One RFC 4180 field, quoted as python-openstackclient's csv (QUOTE_NONNUMERIC): numbers and
 * booleans bare, everything else in double quotes with quotes doubled.
 */
function csvField(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // a quoted field carries line breaks as they are (RFC 4180); -f value's escaping is not for csv
  return `"${plainText(value).replace(/"/g, '""')}"`;
}

/** A value as one string: nothing for null, JSON for lists and objects. */
function plainText(value: unknown): string {
  if (value === null || value === undefined) return '';
  // booleans as the table prints them (Python's str, as cliff's csv/value do); json/yaml keep real booleans
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** RFC 4180: a header record, then one record per row, each ended by CRLF. */
function csvText(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',') + '\r\n').join('');
}

/** Sort order of raw values: numbers, booleans, strings (by code unit), anything else as JSON; missing ones last. */
function compareValues(a: unknown, b: unknown): number {
  const rank = (v: unknown) => (v === null || v === undefined ? 4 : typeof v === 'number' ? 0 : typeof v === 'boolean' ? 1 : typeof v === 'string' ? 2 : 3);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 4) return 0;
  if (ra < 2) return Number(a) - Number(b);
  const sa = ra === 2 ? (a as string) : JSON.stringify(a);
  const sb = rb === 2 ? (b as string) : JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

export class Output {
  constructor(
    private readonly io: IO,
    readonly options: OutputOptions = { format: 'table', columns: [] },
  ) {}

  get format(): Format {
    return this.options.format;
  }

  /** Table cells are escaped for a terminal (terminalSafe) and exact elsewhere. */
  private readonly cellText = (text: string): string => (this.io.stdoutIsTTY ? terminalSafe(text) : text);

  private json(value: unknown): string {
    return this.options.noIndent ? JSON.stringify(value) : JSON.stringify(value, null, 2);
  }

  /** --sort-column: a stable sort on the raw values, in every format (as python-openstackclient). */
  private sortRows<T extends Record<string, unknown>>(columns: Column<T>[], rows: T[]): T[] {
    const keys = (this.options.sortColumns ?? []).map((c) => findColumn(columns, rows, c).key);
    if (!keys.length) return rows;
    return [...rows].sort((a, b) => {
      for (const k of keys) {
        const d = compareValues(a[k], b[k]);
        if (d) return d;
      }
      return 0;
    });
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
        return this.write(this.json(Object.fromEntries(keys.map((k) => [k, data[k]]))));
      }
      case 'yaml': {
        const keys = this.selectKeys(Object.keys(data));
        return this.write(await toYaml(Object.fromEntries(keys.map((k) => [k, data[k]]))));
      }
      case 'csv': {
        const keys = this.selectKeys(Object.keys(shown).sort());
        return this.write(csvText(['Property', 'Value'], keys.map((k) => [k, shown[k]])));
      }
      case 'value': {
        const keys = this.selectKeys(Object.keys(shown).sort());
        return this.write(keys.map((k) => valueText(shown[k])).join('\n'));
      }
      case 'table': {
        const keys = this.selectKeys(Object.keys(shown));
        const rows = keys.map((k) => {
          const v = shown[k];
          return [k, Array.isArray(v) || (v && typeof v === 'object') ? pyJsonDumps(v) : pyStr(v)].map(this.cellText);
        });
        return this.write(
          renderPrettyTable(['Property', 'Value'], rows, {
            align: 'l',
            maxWidth: opts.maxWidth ?? 80,
            sortBy: 0,
            tableWidth: this.options.tableWidth,
          }),
        );
      }
    }
  }

  /**
   * The -c selection when every name is one of the default columns (known before any row is
   * seen), else undefined (other fields of the rows may be named: those need the rows).
   */
  private defaultSelection<T>(columns: Column<T>[]): Column<T>[] | undefined {
    if (!this.options.columns.length) return columns;
    const picked = this.options.columns.map(
      (c) =>
        columns.find((col) => col.label === c || col.key === c) ??
        columns.find((col) => norm(col.label) === norm(c) || norm(col.key) === norm(c)),
    );
    return picked.every((c) => c !== undefined) ? (picked as Column<T>[]) : undefined;
  }

  /** The row fields a list in this format needs, or undefined when it needs whole rows. */
  listKeys<T>(columns: Column<T>[]): string[] | undefined {
    const cols = this.defaultSelection(columns);
    if (!cols || ((this.format === 'json' || this.format === 'yaml') && !this.options.columns.length)) return undefined;
    return cols.map((c) => c.key);
  }

  /**
   * A list whose rows arrive in batches (pages). json and value are written batch by batch, the
   * same bytes as list() writes; a table (its widths) and yaml need every row first.
   */
  async listStream<T extends Record<string, unknown>>(columns: Column<T>[], batches: AsyncIterable<T[]>, opts: ListOptions = {}): Promise<void> {
    const cols = this.defaultSelection(columns);
    const format = this.format;
    if (!cols || (format !== 'json' && format !== 'value')) {
      const rows: T[] = [];
      for await (const batch of batches) for (const row of batch) rows.push(row);
      return this.list(columns, rows, opts);
    }
    const selected = this.options.columns.length > 0;
    let first = true;
    for await (const batch of batches) {
      if (!batch.length) continue;
      const text =
        format === 'json'
          ? // JSON.stringify(rows, null, 2) item by item: each item indented by two more spaces
            (first ? '[\n' : ',\n') + batch.map((r) => JSON.stringify(selected ? pick(r, cols) : r, null, 2).replace(/^/gm, '  ')).join(',\n')
          : batch.map((r) => cols.map((c) => valueText(r[c.key])).join(' ')).join('\n') + '\n';
      await writeOut(this.io.stdout, text);
      first = false;
    }
    if (format === 'json') await writeOut(this.io.stdout, first ? '[]\n' : '\n]\n');
  }

  async list<T extends Record<string, unknown>>(columns: Column<T>[], rows: T[], opts: ListOptions = {}): Promise<void> {
    const cols = this.options.columns.length ? this.options.columns.map((c) => findColumn(columns, rows, c)) : columns;
    rows = this.sortRows(columns, rows);
    switch (this.options.format) {
      case 'json':
        return this.write(this.json(this.options.columns.length ? rows.map((r) => pick(r, cols)) : rows));
      case 'yaml':
        return this.write(await toYaml(this.options.columns.length ? rows.map((r) => pick(r, cols)) : rows));
      case 'csv':
        return this.write(csvText(cols.map((c) => c.label), rows.map((r) => cols.map((c) => r[c.key]))));
      case 'value':
        if (!rows.length) return;
        return this.write(rows.map((r) => cols.map((c) => valueText(r[c.key])).join(' ')).join('\n'));
      case 'table':
        if (!rows.length && opts.emptyMessage) return this.write(opts.emptyMessage);
        return this.write(
          renderPrettyTable(
            cols.map((c) => c.label),
            rows.map((r) => cols.map((c) => this.cellText(c.cell ? c.cell(r) : listCell(r[c.key])))),
            { align: opts.align ?? 'l', maxWidths: cols.map((c) => c.maxWidth), tableWidth: this.options.tableWidth },
          ),
        );
    }
  }
}

/** -c and --sort-column may name a default column by label or key, or any other field of the raw objects. */
function findColumn<T extends Record<string, unknown>>(columns: Column<T>[], rows: T[], name: string): Column<T> {
  const hit =
    columns.find((col) => col.label === name || col.key === name) ??
    columns.find((col) => norm(col.label) === norm(name) || norm(col.key) === norm(name));
  if (hit) return hit;
  const extraKeys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const key = extraKeys.find((k) => k === name) ?? extraKeys.find((k) => norm(k) === norm(name));
  if (key) return { label: key, key } as Column<T>;
  const choices = [...new Set([...columns.map((col) => col.label), ...extraKeys])];
  throw new UsageError(`No column '${name}'; available: ${choices.join(', ')}`);
}

function pick<T extends Record<string, unknown>>(row: T, cols: Column<T>[]): Record<string, unknown> {
  return Object.fromEntries(cols.map((c) => [c.key, row[c.key]]));
}

/**
 * YAML that a YAML 1.1 reader (PyYAML's safe_load, Ansible) reads back to exactly the JSON
 * output: the yaml package's 1.1 schema quotes every string 1.1 would retype (yes/no/on/off/y/n,
 * ~, octal, sexagesimal, float- and date-like strings...). Two PyYAML readings it does not know are
 * quoted here: '=' (the value tag, which safe_load refuses) and '<<' (a merge key, which the 1.1
 * schema would write bare — its merge tag is dropped so that the string stays a string).
 * Single quotes where quotes are needed, as python-openstackclient prints ('yes').
 */
async function toYaml(value: unknown): Promise<string> {
  const { Document, Scalar, visit } = await import('yaml');
  const doc = new Document(value, {
    version: '1.1',
    customTags: (tags) => tags.filter((t) => typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:merge'),
  });
  visit(doc, {
    Scalar(_key, node) {
      if (node.value === '=' || node.value === '<<') node.type = Scalar.QUOTE_SINGLE;
    },
  });
  return doc.toString({ singleQuote: true });
}
