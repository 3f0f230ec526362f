/**
 * The cache commands' pieces that need no server: Python's utcfromtimestamp().isoformat() text,
 * node options, the version probe's decision, group-level options of glance-cache-manage on both
 * sides of the subcommand, the prompt, and the TTY refusal (which must send no request).
 */
import { execFileSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli.js';
import { confirmationFor, parseNodes, pyUtcIso } from '../src/commands/cache/common.js';
import { canAsk, confirm } from '../src/output/prompt.js';
import { COMMANDS } from '../src/commands/index.js';
import type { CommandDef, GlobalOptions, ParsedInput } from '../src/commands/types.js';
import { hasCacheApi } from '../src/glance/cache.js';
import type { IO } from '../src/output/io.js';
import { tsglance } from './helpers/run.js';

describe('pyUtcIso = datetime.utcfromtimestamp(ts).isoformat()', () => {
  it('matches Python for rounding edges, whole seconds and real cache timestamps', () => {
    const samples = [
      0, 1, 1795315245.092498, 1795315109.339407, 1795315245.0000005, 1795315245.0000015, 1795315245.9999996,
      1795315245.5, 1700000000.123456789, 1600000000.000001, 1234567890.9999994, 86399.9999995,
    ];
    const py = execFileSync(
      '/usr/bin/python3',
      ['-c', 'import sys, datetime, json\nfor t in json.load(sys.stdin): print(datetime.datetime.utcfromtimestamp(t).isoformat())'],
      { input: JSON.stringify(samples), encoding: 'utf8' },
    )
      .trim()
      .split('\n');
    expect(samples.map(pyUtcIso)).toEqual(py);
  });
});

describe('node options', () => {
  it('-H with the default or given port, --url as given, duplicates once', () => {
    expect(parseNodes({ host: ['ctl1', '10.0.0.2'] })).toEqual(['http://ctl1:9292', 'http://10.0.0.2:9292']);
    expect(parseNodes({ host: ['ctl1', 'fd00::2'], port: 9351 })).toEqual(['http://ctl1:9351', 'http://[fd00::2]:9351']);
    expect(parseNodes({ host: ['ctl1'], url: ['https://ctl1:9292/', 'http://ctl1:9292'] })).toEqual([
      'http://ctl1:9292',
      'https://ctl1:9292',
    ]);
    expect(parseNodes({})).toEqual([]);
  });

  it('rejects what cannot be a node before any request', () => {
    expect(() => parseNodes({ port: 9292 })).toThrow(/-p\/--port applies to -H/);
    expect(() => parseNodes({ url: ['ftp://x'] })).toThrow(/not an http\(s\) URL/);
    expect(() => parseNodes({ url: ['ctl1:9292 x'] })).toThrow(/not a URL|not an http/);
    expect(() => parseNodes({ host: ['a/b'] })).toThrow(/not a host address/);
    expect(() => parseNodes({ host: ['ctl1'], port: 70000 })).toThrow(/out of range/);
  });
});

describe('--api auto', () => {
  it('takes v2 only when GET /versions lists v2.14 or later as usable', () => {
    expect(hasCacheApi([{ id: 'v2.16', status: 'CURRENT' }, { id: 'v2.14', status: 'SUPPORTED' }])).toBe(true);
    expect(hasCacheApi([{ id: 'v2.14', status: 'EXPERIMENTAL' }])).toBe(true);
    expect(hasCacheApi([{ id: 'v2.13', status: 'CURRENT' }, { id: 'v2.9', status: 'SUPPORTED' }])).toBe(false);
    expect(hasCacheApi([{ id: 'v2.14', status: 'DEPRECATED' }])).toBe(false);
    expect(hasCacheApi([])).toBe(false);
  });
});

/** Parse a command line with the real tree and return what the command would receive. */
async function parsed(argv: string[], lazy = true): Promise<{ name: string; input: ParsedInput; globals: GlobalOptions }> {
  let got: { name: string; input: ParsedInput; globals: GlobalOptions } | undefined;
  const program = buildProgram(COMMANDS as CommandDef[], {
    lazy,
    invoke: async (def, input, globals) => {
      got = { name: def.name, input, globals };
    },
  });
  program.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  await program.parseAsync(argv, { from: 'user' });
  if (!got) throw new Error('no command ran');
  return got;
}

describe('glance-cache-manage options on either side of the subcommand', () => {
  for (const lazy of [true, false]) {
    it(`before and after the subcommand give the same flags (${lazy ? 'lazy' : 'full'} tree)`, async () => {
      const before = await parsed(['glance-cache-manage', '-H', 'a', '-p', '1234', '-f', '--api', 'legacy', '-v', 'queue-image', 'X'], lazy);
      const after = await parsed(['glance-cache-manage', 'queue-image', 'X', '-H', 'a', '-p', '1234', '-f', '--api', 'legacy', '-v'], lazy);
      expect(before.name).toBe('glance-cache-manage queue-image');
      expect(before.input).toEqual(after.input);
      expect(before.input.flags).toMatchObject({ host: ['a'], port: 1234, force: true, api: 'legacy' });
      expect(before.globals.verbose).toBe(true);
      expect(after.globals.verbose).toBe(true);
    });
  }

  it('repeatable -H/--url from both sides are joined; a value after the subcommand wins', async () => {
    const r = await parsed(['glance-cache-manage', '-H', 'a', '--api', 'v2', 'list-cached', '-H', 'b', '--api', 'legacy', '--url', 'http://c:1']);
    expect(r.input.flags).toMatchObject({ host: ['a', 'b'], url: ['http://c:1'], api: 'legacy' });
  });

  it('-f is --force there, --format still works, and program-level globals are not reset by the group', async () => {
    const r = await parsed(['--no-token-cache', 'glance-cache-manage', '--format', 'json', '-d', 'list-queued']);
    expect(r.input.flags.force).toBeUndefined();
    expect(r.input.flags.api).toBe('auto');
    expect(r.globals).toMatchObject({ format: 'json', debug: true, tokenCache: false });
  });

  it('an unknown option before the subcommand is still a usage error (exit 2, no request)', async () => {
    const res = await tsglance(['glance-cache-manage', '--bogus', 'list-cached'], { as: 'none' });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/unknown option '--bogus'/);
  });
});

function fakeIO(tty: boolean, input?: string): IO & { err: () => string } {
  const stdin = new PassThrough();
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  if (input !== undefined) stdin.end(input);
  return {
    stdin,
    stdout: new PassThrough(),
    stderr,
    stdinIsTTY: tty,
    stdoutIsTTY: tty,
    stderrIsTTY: tty,
    columns: 80,
    color: false,
    interactive: false,
    err: () => err,
  };
}

describe('confirmation', () => {
  it('asks on stderr with [y/N]; y and YES are yes, empty, other words and EOF are no', async () => {
    const signal = new AbortController().signal;
    for (const [answer, want] of [['y\n', true], ['YES\n', true], ['\n', false], ['no\n', false], [' y\n', false], ['', false]] as const) {
      const io = fakeIO(true, answer);
      expect(await confirm(io, 'Delete all cached images?', signal)).toBe(want);
      expect(io.err()).toMatch(/^Delete all cached images\? \[y\/N\] /);
    }
  });

  it('Ctrl-C while asking ends with the interrupt', async () => {
    const ac = new AbortController();
    const io = fakeIO(true);
    const pending = confirm(io, 'Queue image X for caching?', ac.signal);
    setTimeout(() => ac.abort(new Error('Interrupted.')), 20);
    await expect(pending).rejects.toThrow('Interrupted.');
  });

  it('only stdin and stderr both on a terminal may be asked; else -f, or a line piped on stdin, answers', async () => {
    expect(canAsk(fakeIO(true))).toBe(true);
    expect(canAsk({ ...fakeIO(true), stdinIsTTY: false })).toBe(false);
    expect(canAsk({ ...fakeIO(true), stderrIsTTY: false })).toBe(false);
    await expect(confirmationFor({ ...fakeIO(false), stdinKind: 'device' } as IO, false, 'delete all cached images')).rejects.toThrow(
      'Refusing to delete all cached images without confirmation: stdin is a device (such as /dev/null); pipe the answer (echo y |) or add -f/--force.',
    );
    await expect(confirmationFor(fakeIO(false), true, 'delete all cached images')).resolves.toEqual({ via: 'force' });
    await expect(confirmationFor({ ...fakeIO(false, 'y\nrest\n'), stdinKind: 'pipe' } as IO, false, 'delete all cached images')).resolves.toEqual({
      via: 'stdin',
      answer: 'y',
    });
  });

  it('without a terminal and with nothing on stdin the command refuses before any request (no credentials needed)', async () => {
    const res = await tsglance(['glance-cache-manage', '--url', 'http://127.0.0.1:1', 'delete-all-cached-images'], {
      as: 'none',
      input: '',
    });
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toBe(
      'Refusing to delete all cached images without confirmation: no answer on stdin (it was empty, or silent for 30 s); pipe the answer (echo y |) or add -f/--force.\n',
    );
  });
});
