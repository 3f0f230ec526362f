/**
 * The few Python behaviours glanceclient's tables are made of, so that tsglance prints the same
 * bytes: str() of JSON values, json.dumps() with its default separators and ensure_ascii, and
 * textwrap.fill() with its word-splitting rules (which break after hyphens).
 */

/** Python's repr of a float, as json.dumps and str() print it. */
function pyFloat(n: number): string {
  if (Number.isInteger(n)) return n.toFixed(1);
  const s = String(n);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

export function pyStr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pyFloat(value);
  if (typeof value === 'string') return value;
  return pyJsonDumps(value);
}

function pyJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (code < 0x20 || (code > 0x7e && code <= 0xffff)) out += '\\u' + code.toString(16).padStart(4, '0');
    else if (code > 0xffff) {
      const hi = Math.floor((code - 0x10000) / 0x400) + 0xd800;
      const lo = ((code - 0x10000) % 0x400) + 0xdc00;
      out += '\\u' + hi.toString(16) + '\\u' + lo.toString(16);
    } else out += ch;
  }
  return out + '"';
}

/** json.dumps(value) with Python's defaults: ", " and ": " separators, ASCII only. */
export function pyJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pyFloat(value);
  if (typeof value === 'string') return pyJsonString(value);
  if (Array.isArray(value)) return '[' + value.map(pyJsonDumps).join(', ') + ']';
  if (typeof value === 'object') {
    return (
      '{' +
      Object.entries(value as Record<string, unknown>)
        .map(([k, v]) => `${pyJsonString(k)}: ${pyJsonDumps(v)}`)
        .join(', ') +
      '}'
    );
  }
  return pyJsonString(String(value));
}

// textwrap.TextWrapper.wordsep_re (Python 3.11), translated: whitespace runs, em-dashes, and
// words that may be split after a hyphen between letters.
const WS = '[\\t\\n\\x0b\\x0c\\r ]';
const NWS = '[^\\t\\n\\x0b\\x0c\\r ]';
const WP = '[\\w!"\'&.,?]';
const LT = '[^\\d\\W]';
const WORDSEP = new RegExp(
  `(${WS}+` +
    `|(?<=${WP})-{2,}(?=\\w)` +
    `|${NWS}+?(?:-(?:(?<=${LT}{2}-)|(?<=${LT}-${LT}-))(?=${LT}-?${LT})|(?=${WS}|$)|(?<=${WP})(?=-{2,}\\w)))`,
  'g',
);

function splitChunks(text: string): string[] {
  return text.split(WORDSEP).filter((c) => c !== '' && c !== undefined);
}

/** str.expandtabs(8): a tab advances to the next multiple of 8 columns, counted from the last newline. */
function expandTabs(text: string): string {
  let out = '';
  let col = 0;
  for (const ch of text) {
    if (ch === '\t') {
      const n = 8 - (col % 8);
      out += ' '.repeat(n);
      col += n;
    } else {
      out += ch;
      col = ch === '\n' || ch === '\r' ? 0 : col + 1;
    }
  }
  return out;
}

/** textwrap.wrap(text, width) with the defaults PrettyTable uses. */
export function pyWrap(text: string, width: number): string[] {
  const expanded = expandTabs(text).replace(/[\n\x0b\x0c\r]/g, ' ');
  const chunks = splitChunks(expanded).reverse();
  const lines: string[] = [];
  while (chunks.length) {
    const cur: string[] = [];
    let curLen = 0;
    if (lines.length && chunks[chunks.length - 1].trim() === '') chunks.pop();
    while (chunks.length) {
      const l = chunks[chunks.length - 1].length;
      if (curLen + l <= width) {
        cur.push(chunks.pop()!);
        curLen += l;
      } else break;
    }
    if (chunks.length && chunks[chunks.length - 1].length > width) {
      // break_long_words: fill the rest of the line with the start of the long chunk
      const spaceLeft = width < 1 ? 1 : width - curLen;
      const last = chunks.pop()!;
      let end = spaceLeft;
      // break_on_hyphens: prefer to cut after the last hyphen that fits
      const hyphen = last.lastIndexOf('-', spaceLeft - 1);
      if (hyphen > 0 && /[^-]/.test(last.slice(0, hyphen))) end = hyphen + 1;
      cur.push(last.slice(0, end));
      chunks.push(last.slice(end));
      curLen += end;
    }
    if (cur.length && cur[cur.length - 1].trim() === '') {
      curLen -= cur[cur.length - 1].length;
      cur.pop();
    }
    if (cur.length) lines.push(cur.join(''));
  }
  return lines;
}

export function pyFill(text: string, width: number): string {
  return pyWrap(text, width).join('\n');
}

/** glanceclient's make_size_human_readable: base 1024, one decimal, trailing zeros dropped. */
export function humanSize(size: unknown): string {
  const suffixes = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB'];
  let n = typeof size === 'number' ? size : Number(size ?? 0);
  if (!Number.isFinite(n)) n = 0;
  let index = 0;
  while (n >= 1024 && index < suffixes.length - 1) {
    n /= 1024;
    index++;
  }
  const text = n.toFixed(1).replace(/0+$/, '').replace(/\.$/, '');
  return `${text}${suffixes[index]}`;
}
