/**
 * man/tsglance.1: groff finds nothing to warn about, man renders it, and it documents every
 * command, every OS_* variable the code reads, every exit status and the files.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { COMMANDS } from '../src/commands/index.js';
import { roff, shownWorkflows, WORKFLOWS } from '../src/completion/man.js';
import { allCommands, buildModel } from '../src/completion/model.js';
import { ExitCode } from '../src/errors.js';
import { ROOT } from './helpers/run.js';

const PAGE = join(ROOT, 'man', 'tsglance.1');
const page = readFileSync(PAGE, 'utf8');

function section(name: string): string {
  const start = page.indexOf(`.SH ${name}\n`);
  expect(start, `section ${name}`).toBeGreaterThanOrEqual(0);
  const end = page.indexOf('\n.SH ', start + 4);
  return page.slice(start, end < 0 ? undefined : end);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('groff -man -ww -z prints no warning', () => {
  const r = spawnSync('groff', ['-man', '-ww', '-z', PAGE], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  expect(r.stderr).toBe('');
});

test('man -l renders it', () => {
  const out = execFileSync('man', ['-l', PAGE], { encoding: 'utf8', env: { ...process.env, MANPAGER: 'cat', PAGER: 'cat', MANWIDTH: '200' } });
  expect(out).toMatch(/^TSGLANCE\(1\)/m);
  for (const s of ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'COMMANDS', 'ENVIRONMENT', 'FILES', 'EXIT STATUS', 'EXAMPLES', 'SEE ALSO']) {
    expect(out).toMatch(new RegExp(`^${s}$`, 'm'));
  }
  expect(out).toContain('tsglance image-show [options] IMAGE');
});

describe('what it documents', () => {
  const model = buildModel(COMMANDS);

  test('every command, with each of its own options', () => {
    const commands = section('COMMANDS');
    for (const c of allCommands(model)) {
      expect(commands, c.path.join(' ')).toContain(`.SS "${roff(c.path.join(' '))}"`);
    }
    for (const def of COMMANDS.filter((d) => !d.hidden)) {
      const start = commands.indexOf(`.SS "${roff(def.name)}"`);
      const end = commands.indexOf('\n.SS ', start + 1);
      const body = commands.slice(start, end < 0 ? undefined : end);
      for (const o of (def.options ?? []).filter((x) => !x.hidden)) {
        const long = o.flags.split(/[ ,|]+/).find((w) => w.startsWith('--'))!;
        expect(body, `${def.name} ${long}`).toContain(`\\fB${roff(long)}\\fR`);
      }
    }
  });

  test('every OS_* variable the code reads (string literals and env.OS_* in src/)', () => {
    const env = section('ENVIRONMENT');
    const found = new Set<string>();
    for (const f of sourceFiles(join(ROOT, 'src'))) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/['"`](OS_[A-Z0-9_]+)['"`]|env\??\.(OS_[A-Z0-9_]+)|env\[['"](OS_[A-Z0-9_]+)['"]\]/g)) {
        found.add(m[1] ?? m[2] ?? m[3]);
      }
    }
    expect(found.size).toBeGreaterThan(20);
    const missing = [...found].filter((v) => !env.includes(`\\fB${v}\\fR`));
    expect(missing, 'variables read in src/ but not in ENVIRONMENT').toEqual([]);
  });

  test('every TSGLANCE_* variable the code reads', () => {
    const env = section('ENVIRONMENT');
    const found = new Set<string>();
    for (const f of sourceFiles(join(ROOT, 'src'))) {
      for (const m of readFileSync(f, 'utf8').matchAll(/env\??\.(TSGLANCE_[A-Z0-9_]+)|['"`](TSGLANCE_[A-Z0-9_]+)['"`]/g)) found.add(m[1] ?? m[2]);
    }
    expect(found.size).toBeGreaterThan(0);
    expect([...found].filter((v) => !env.includes(`\\fB${v}\\fR`))).toEqual([]);
  });

  test('every exit status', () => {
    const exit = section('EXIT STATUS');
    for (const code of Object.values(ExitCode)) expect(exit).toContain(`.TP\n\\fB${code}\\fR\n`);
  });

  test('files: clouds.yaml locations, the token cache and the keychain', () => {
    const files = section('FILES');
    expect(files).toContain('clouds.yaml');
    expect(files).toContain('/etc/openstack/clouds.yaml');
    expect(files).toContain('$XDG_CACHE_HOME/tsglance/');
    expect(files).toContain('keychain');
  });

  test('examples: the guides\' workflows whose commands exist, each command real', () => {
    const examples = section('EXAMPLES');
    const names = new Set(allCommands(model).map((c) => c.path.join(' ')));
    for (const w of WORKFLOWS) {
      const shown = examples.includes(roff(w.title));
      expect(shown).toBe(w.commands.every((c) => names.has(c)));
    }
    expect(shownWorkflows(model).length).toBeGreaterThan(0);
  });
});
