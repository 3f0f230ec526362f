/**
 * The table layer must print what glanceclient prints. Rather than trusting hand-made expectations,
 * these tests run Debian's Python (textwrap, json, prettytable — the very modules glanceclient uses)
 * on the same random inputs and compare.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { renderPrettyTable } from '../src/output/prettytable.js';
import { humanSize, pyFill, pyJsonDumps, pyStr } from '../src/output/python.js';

function python(script: string, input: unknown): unknown {
  const out = execFileSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify(input) });
  return JSON.parse(out.toString('utf8'));
}

// deterministic pseudo-random text with the characters that matter to textwrap: hyphens, spaces, punctuation
function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}
const ALPHABET = 'abcdefghij-- ,."{}[]:_0123456789ABC\t';
function randomText(r: () => number, len: number): string {
  let t = '';
  for (let i = 0; i < len; i++) t += ALPHABET[Math.floor(r() * ALPHABET.length)];
  return t;
}

describe('Python formatting parity', () => {
  it('pyFill matches textwrap.fill for 400 random strings and widths', () => {
    const r = rng(42);
    const cases = Array.from({ length: 400 }, () => ({ text: randomText(r, 5 + Math.floor(r() * 200)), width: 3 + Math.floor(r() * 60) }));
    const expected = python(
      'import json,sys,textwrap\nprint(json.dumps([textwrap.fill(c["text"], c["width"]) for c in json.load(sys.stdin)]))',
      cases,
    ) as string[];
    cases.forEach((c, i) => expect(pyFill(c.text, c.width), JSON.stringify(c)).toBe(expected[i]));
  });

  it('pyJsonDumps and pyStr match json.dumps and str()', () => {
    const values = [
      { a: [1, 2.5, null, true, 'x"y\\z'], b: { c: 'é ü 😀', d: 1e21 } },
      ['glance-direct', 'web-download'],
      'tab\tnew\nline',
      0.1,
      -3,
    ];
    const expected = python(
      'import json,sys\nprint(json.dumps([[json.dumps(v), str(v) if not isinstance(v,(dict,list)) else json.dumps(v)] for v in json.load(sys.stdin)]))',
      values,
    ) as [string, string][];
    values.forEach((v, i) => {
      expect(pyJsonDumps(v)).toBe(expected[i][0]);
      expect(pyStr(v)).toBe(expected[i][1]);
    });
    expect([pyStr(null), pyStr(true), pyStr(false)]).toEqual(['None', 'True', 'False']);
  });

  it('humanSize matches glanceclient make_size_human_readable', () => {
    const sizes = [0, 1, 1023, 1024, 1536, 13167616, 1048576, 1073741824, 1099511627776 * 3.3, 999999999999];
    const expected = python(
      'import json,sys\nfrom glanceclient.common.utils import make_size_human_readable as h\nprint(json.dumps([h(s) for s in json.load(sys.stdin)]))',
      sizes,
    ) as string[];
    sizes.forEach((s, i) => expect(humanSize(s)).toBe(expected[i]));
    expect(humanSize(null)).toBe('0B');
  });

  it('renderPrettyTable matches prettytable for left, centred and wrapped tables', () => {
    const r = rng(7);
    const tables = Array.from({ length: 60 }, (_, n) => {
      const cols = 1 + Math.floor(r() * 4);
      const fields = Array.from({ length: cols }, (_, i) => `F${i}${'x'.repeat(Math.floor(r() * 6))}`);
      const rows = Array.from({ length: Math.floor(r() * 5) }, () =>
        fields.map(() => randomText(r, Math.floor(r() * (n % 3 === 0 ? 120 : 20))).replace(/\t/g, ' ')),
      );
      const align = (['l', 'c', 'r'] as const)[n % 3];
      const maxWidth = n % 2 ? 10 + Math.floor(r() * 70) : undefined;
      return { fields, rows, align, maxWidth, sort: n % 4 === 0 };
    });
    const expected = python(
      `import json,sys,prettytable
out=[]
for t in json.load(sys.stdin):
    pt=prettytable.PrettyTable(t["fields"], caching=False)
    pt.align=t["align"]
    if t.get("maxWidth"): pt.max_width=t["maxWidth"]
    for row in t["rows"]: pt.add_row(row)
    out.append(pt.get_string(sortby=t["fields"][0]) if t["sort"] else pt.get_string())
print(json.dumps(out))`,
      tables,
    ) as string[];
    tables.forEach((t, i) =>
      expect(
        renderPrettyTable(t.fields, t.rows, { align: t.align, maxWidth: t.maxWidth, sortBy: t.sort ? 0 : undefined }),
        JSON.stringify(t),
      ).toBe(expected[i]),
    );
  });
});
