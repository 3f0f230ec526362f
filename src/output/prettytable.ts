/**
 * A port of the PrettyTable rendering glanceclient prints with (default style, FRAME rules,
 * padding 1, max_width wrapping through textwrap, centre justification quirks), so that an
 * operator's eyes and scripts see the same bytes as from `glance`.
 */
import { pyFill } from './python.js';

export type Align = 'l' | 'c' | 'r';

export interface PrettyTableOptions {
  /** one per column, default 'c' as in PrettyTable */
  align?: Align[] | Align;
  /** PrettyTable's max_width, applied to every column */
  maxWidth?: number;
  /** PrettyTable's per-field max_width (print_list field_settings); wins over maxWidth for its column */
  maxWidths?: (number | undefined)[];
  /** index of the column to sort rows by (PrettyTable's sortby) */
  sortBy?: number;
  /**
   * Total width the table must fit in (--max-width, --fit-width): the widest columns are narrowed
   * and their cells wrapped. Absent: PrettyTable's own widths, byte for byte.
   */
  tableWidth?: number;
}

/** Display width; wide East Asian characters take two cells as PrettyTable's wcwidth counts them. */
function width(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c === 0 || (c >= 0x300 && c <= 0x36f) || c === 0x200b) continue;
    w +=
      (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1faff) || (c >= 0x20000 && c <= 0x3fffd)
        ? 2
        : 1;
  }
  return w;
}

function blockWidth(text: string): number {
  return Math.max(0, ...text.split('\n').map(width));
}

function justify(text: string, w: number, align: Align): string {
  const excess = w - width(text);
  if (excess <= 0) return text;
  if (align === 'l') return text + ' '.repeat(excess);
  if (align === 'r') return ' '.repeat(excess) + text;
  const half = Math.floor(excess / 2);
  if (excess % 2) {
    // PrettyTable: more space on the right for odd-length text, on the left for even-length text
    return width(text) % 2
      ? ' '.repeat(half) + text + ' '.repeat(half + 1)
      : ' '.repeat(half + 1) + text + ' '.repeat(half);
  }
  return ' '.repeat(half) + text + ' '.repeat(half);
}

export function renderPrettyTable(fields: string[], rows: string[][], opts: PrettyTableOptions = {}): string {
  const aligns = fields.map((_, i) => (Array.isArray(opts.align) ? (opts.align[i] ?? 'c') : (opts.align ?? 'c')));
  let body = rows.map((r) => r.slice());
  if (opts.sortBy !== undefined) {
    const k = opts.sortBy;
    body = body.sort((a, b) => (a[k] < b[k] ? -1 : a[k] > b[k] ? 1 : 0));
  }
  const widths = fields.map((f) => blockWidth(f));
  for (const row of body) {
    row.forEach((cell, i) => {
      const w = blockWidth(cell);
      const max = opts.maxWidths?.[i] ?? opts.maxWidth;
      widths[i] = Math.max(widths[i], max !== undefined ? Math.min(w, max) : w);
    });
  }
  if (opts.tableWidth) fitWidths(widths, fields.map(blockWidth), opts.tableWidth);
  const rule = '+' + widths.map((w) => '-'.repeat(w + 2)).join('+') + '+';
  const line = (cells: string[]) => '|' + cells.map((c, i) => ' ' + justify(c, widths[i], aligns[i]) + ' ').join('|') + '|';
  const out = [rule, line(fields.map((f) => f)), rule];
  for (const row of body) {
    out.push(...rowLines(row));
  }
  out.push(rule);
  return out.join('\n');

  function rowLines(row: string[]): string[] {
    const cellLines = row.map((cell, i) =>
      cell.split('\n').flatMap((l) => (width(l) > widths[i] ? pyFill(l, widths[i]).split('\n') : [l])),
    );
    const height = Math.max(1, ...cellLines.map((l) => l.length));
    return Array.from({ length: height }, (_, h) => line(cellLines.map((l) => l[h] ?? '')));
  }
}

/**
 * Narrow `widths` in place so that the table (3 columns of frame and padding per column, plus one)
 * fits in `total`: columns narrower than an equal share keep their width, the others share the
 * rest. A column never gets narrower than its header.
 */
function fitWidths(widths: number[], headerWidths: number[], total: number): void {
  let budget = total - (3 * widths.length + 1);
  if (widths.reduce((a, b) => a + b, 0) <= budget) return;
  let open = widths.map((_, i) => i);
  for (;;) {
    const share = Math.floor(budget / Math.max(1, open.length));
    const fits = open.filter((i) => widths[i] <= share);
    if (!fits.length) break;
    for (const i of fits) budget -= widths[i];
    open = open.filter((i) => widths[i] > share);
  }
  const share = Math.floor(budget / Math.max(1, open.length));
  let extra = budget - share * open.length;
  for (const i of open) {
    widths[i] = Math.max(1, headerWidths[i], share + (extra-- > 0 ? 1 : 0));
  }
}
