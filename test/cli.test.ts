/** The command tree itself: version, help, global options on either side, usage errors. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram, HELP_GROUPS } from '../src/cli.js';
import { COMMANDS } from '../src/commands/index.js';
import { ROOT, tsglance } from './helpers/run.js';

describe('command line', () => {
  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const res = await tsglance(['--version'], { as: 'none' });
    expect(res).toMatchObject({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('--help lists every visible command with its summary', async () => {
    const res = await tsglance(['--help'], { as: 'none' });
    expect(res.code).toBe(0);
    for (const def of COMMANDS.filter((d) => !d.hidden && !d.name.includes(' '))) {
      expect(res.stdout).toMatch(new RegExp(`\\n  ${def.name}\\b.*${def.summary.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    }
  });

  it('bare tsglance prints the program help on stdout and exits 0 (as glance and gh)', async () => {
    const [bare, help] = await Promise.all([tsglance([], { as: 'none' }), tsglance(['--help'], { as: 'none' })]);
    expect(bare).toMatchObject({ code: 0, stderr: '', stdout: help.stdout });
    expect(bare.stdout).toMatch(/^Usage: tsglance /);
  });

  it('the program help: commands under headings, global options once, nothing wider than 80 columns', async () => {
    const res = await tsglance(['--help'], { as: 'none' });
    const lines = res.stdout.split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
    const headings = lines.filter((l) => /^[A-Z][a-z ]+:$/.test(l));
    expect(headings).toEqual(['Global options:', ...HELP_GROUPS.map(([h]) => h)]);
    expect(res.stdout).not.toMatch(/^Commands:$/m);
    expect(res.stdout.match(/--os-cloud/g)).toHaveLength(1);
    // every visible command sits under the heading its group names
    const full = buildProgram(COMMANDS);
    for (const cmd of full.commands.filter((c) => !(c as unknown as { _hidden: boolean })._hidden)) {
      const heading = HELP_GROUPS.find(([, re]) => re.test(cmd.name()))?.[0];
      expect(heading, cmd.name()).toBeDefined();
      const section = res.stdout.split(`\n${heading}\n`)[1].split('\n\n')[0];
      expect(section, cmd.name()).toMatch(new RegExp(`^  ${cmd.name()} +\\S`, 'm'));
    }
  });

  it('help of every command fits in 80 columns; global options are pointed to, not repeated', async () => {
    const full = buildProgram(COMMANDS);
    const all = (c: Command): Command[] => c.commands.flatMap((s) => [s, ...all(s)]);
    for (const cmd of all(full)) {
      let text = '';
      cmd.configureOutput({ writeOut: (s) => (text += s) });
      cmd.outputHelp();
      const wide = text.split('\n').filter((l) => l.length > 80);
      expect(wide, cmd.name()).toEqual([]);
      expect(text, cmd.name()).not.toContain('--os-cloud');
      expect(text, cmd.name()).toContain('Global options (--os-*, -f/--format, -c/--column, --debug...): tsglance --help');
    }
    const res = await tsglance(['help', 'image-create'], { as: 'none' });
    expect(res.code).toBe(0);
    expect(Math.max(...res.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80);
    // a URL too long for the description column moves left rather than past the edge
    expect(res.stdout).toMatch(/^ {4}https:\/\/docs\.openstack\.org\/python-glanceclient\/latest\/cli\/property-keys\.html$/m);
  });

  it('the prebuilt program help (dist/help.txt) is exactly what the tree renders', async () => {
    const prebuilt = readFileSync(join(ROOT, 'dist', 'help.txt'), 'utf8');
    let rendered = '';
    const program = buildProgram(COMMANDS, { lazy: true });
    program.configureOutput({ writeOut: (s) => (rendered += s) });
    program.outputHelp();
    expect(prebuilt).toBe(rendered);
    const res = await tsglance(['--help'], { as: 'none' });
    expect(res.stdout).toBe(prebuilt);
  });

  it('help of one command shows its options (built only when that command is chosen)', async () => {
    const [viaHelp, viaFlag] = await Promise.all([
      tsglance(['help', 'image-list'], { as: 'none' }),
      tsglance(['image-list', '--help'], { as: 'none' }),
    ]);
    expect(viaHelp.stdout).toContain('--property-filter <KEY=VALUE>');
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
  });

  it('the lazy tree a run uses parses like the full tree completions are built from', () => {
    const full = buildProgram(COMMANDS);
    const names = (c: typeof full): string[] => c.commands.flatMap((s) => [s.name(), ...names(s).map((n) => `${s.name()} ${n}`)]);
    const lazy = buildProgram(COMMANDS, { lazy: true });
    expect(names(lazy)).toEqual(names(full));
    const list = full.commands.find((c) => c.name() === 'image-list')!;
    expect(list.options.map((o) => o.long)).toContain('--include-stores');
    expect(lazy.commands.find((c) => c.name() === 'image-list')!.options).toHaveLength(0);
  });

  it('global options work before and after the command; after wins', async () => {
    const before = await tsglance(['-f', 'json', 'import-info']);
    const after = await tsglance(['import-info', '-f', 'json']);
    const both = await tsglance(['-f', 'yaml', 'import-info', '-f', 'json']);
    expect(JSON.parse(before.stdout)['import-methods'].value).toContain('glance-direct');
    expect(after.stdout).toBe(before.stdout);
    expect(both.stdout).toBe(before.stdout);
  });

  it('an unknown command is a usage error with a suggestion, exit 2', async () => {
    const res = await tsglance(['image-lst'], { as: 'none' });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("unknown command 'image-lst'");
    expect(res.stderr).toContain('image-list');
  });

  it("the openstack CLI's word order suggests the command (image show -> image-show): one line, exit 2, no request", async () => {
    const cases: [string[], string, string][] = [
      [['image', 'show', 'cirros'], 'image', 'image-show'],
      [['image', 'list'], 'image', 'image-list'],
      [['member', 'list', 'x'], 'member', 'member-list'],
      [['image', 'create', 'via', 'import', '--name', 'x'], 'image', 'image-create-via-import'],
      [['md', 'namespace', 'list'], 'md', 'md-namespace-list'],
      [['help', 'image', 'show'], 'image', 'image-show'],
      [['glance-cache-manage', 'list', 'cached'], 'list', 'list-cached'],
    ];
    for (const [args, word, meant] of cases) {
      // with the stack's credentials and --debug: any request would show as a DEBUG line
      const res = await tsglance(args[0] === 'help' ? args : ['--debug', ...args]);
      expect(res.stderr, args.join(' ')).toBe(`error: unknown command '${word}'. Did you mean '${meant}'?\n`);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stdout).toBe('');
    }
  });
});
