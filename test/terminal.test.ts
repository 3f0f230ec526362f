/**
 * What a terminal gets: the colour rules (one function decides), and transfer progress on a real
 * terminal (tmux at 60 columns) against the real stack — shown by default there, silenced by
 * --no-progress, absent off a terminal.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useColor } from '../src/output/io.js';
import { dataFile, deleteImages, glanceImage } from './helpers/fixtures.js';
import { BIN, cleanEnv, hasTmux, killTmuxSession, tsglance, uniqueName, viaPty } from './helpers/run.js';

describe('colour: FORCE_COLOR, CLICOLOR_FORCE, NO_COLOR, then the terminal', () => {
  const tty = (colors: boolean) => ({ isTTY: true, hasColors: (env?: object) => colors && !('NO_COLOR' in (env ?? {})) });
  const pipe = { isTTY: false };

  it('a colour terminal gets colour; an empty NO_COLOR is no request, a non-empty one is', () => {
    expect(useColor(tty(true), {})).toBe(true);
    expect(useColor(tty(true), { NO_COLOR: '' })).toBe(true);
    expect(useColor(tty(true), { NO_COLOR: '1' })).toBe(false);
    expect(useColor(tty(true), { NO_COLOR: '0' })).toBe(false);
    expect(useColor(tty(false), {})).toBe(false);
    expect(useColor(pipe, {})).toBe(false);
  });

  it('FORCE_COLOR and CLICOLOR_FORCE force it, even in a pipe and over NO_COLOR; FORCE_COLOR=0 refuses it', () => {
    expect(useColor(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(useColor(pipe, { FORCE_COLOR: '' })).toBe(true);
    expect(useColor(tty(true), { FORCE_COLOR: '0' })).toBe(false);
    expect(useColor(tty(true), { FORCE_COLOR: 'false' })).toBe(false);
    expect(useColor(pipe, { CLICOLOR_FORCE: '1', NO_COLOR: '1' })).toBe(true);
    expect(useColor(pipe, { CLICOLOR_FORCE: '0' })).toBe(false);
    expect(useColor(pipe, { CLICOLOR_FORCE: '' })).toBe(false);
  });
});

const session = `tsglance-progress-${process.pid}`;
const created: string[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const MiB = 1024 * 1024;

afterAll(async () => {
  killTmuxSession(session);
  await deleteImages(created);
});

describe.skipIf(!hasTmux)('transfer progress on a 60-column terminal (tmux)', () => {
  it('is on by default: bar, bytes, rate and ETA on one line that never wraps; then the summary', async () => {
    const id = await glanceImage(['--name', uniqueName('progress')]);
    created.push(id);
    const dir = mkdtempSync(join(tmpdir(), 'tsglance-progress-'));
    const env = { ...cleanEnv(), TERM: 'xterm-256color' } as Record<string, string>;
    delete env.CI;
    const script = join(dir, 'run.sh');
    // 8 MiB, a pause (the line is captured then), 8 MiB more: stdin is a pipe, stderr the terminal
    writeFileSync(
      script,
      [
        ...Object.entries(env).map(([k, v]) => `export ${k}=${q(v)}`),
        `(head -c ${8 * MiB} /dev/zero; sleep 4; head -c ${8 * MiB} /dev/zero) | ` +
          `${q(process.execPath)} ${q(BIN)} image-upload ${id} --size ${16 * MiB} > ${q(join(dir, 'out'))}`,
        `echo $? > ${q(join(dir, 'rc'))}`,
        'sleep 60',
      ].join('\n'),
    );
    execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '60', '-y', '20', `bash ${q(script)}`]);
    const frames: string[] = [];
    for (let i = 0; i < 300 && !existsSync(join(dir, 'rc')); i++) {
      // -J joins a wrapped line back into one: a line that wrapped shows as longer than the pane
      frames.push(execFileSync('tmux', ['capture-pane', '-p', '-J', '-t', session], { encoding: 'utf8' }));
      await sleep(200);
    }
    await sleep(300);
    const final = execFileSync('tmux', ['capture-pane', '-p', '-J', '-t', session], { encoding: 'utf8' });
    expect(readFileSync(join(dir, 'rc'), 'utf8').trim()).toBe('0');
    const live = frames.map((f) => f.split('\n').find((l) => /8\.0 MiB\/16\.0 MiB/.test(l))).find((l) => l && /ETA/.test(l));
    expect(live, frames.join('\n=====\n')).toBeDefined();
    expect(live).toMatch(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Uploading █+░+ 8\.0 MiB\/16\.0 MiB \d+(\.\d)? [KMG]?i?B\/s ETA \d+:\d\d$/);
    expect(live!.length).toBeLessThan(60);
    for (const f of frames) for (const l of f.split('\n')) expect(l.length, f).toBeLessThanOrEqual(60);
    expect(final).toMatch(/^✔ Uploaded 16\.0 MiB in \d+\.\d s \(.+\/s\)$/m);
    expect(readFileSync(join(dir, 'out'), 'utf8')).toBe('');
    const image = JSON.parse((await tsglance(['image-show', id, '-f', 'json'])).stdout);
    expect(image).toMatchObject({ status: 'active', size: 16 * MiB });
  }, 180_000);
});

describe('transfer progress elsewhere', () => {
  it('--no-progress silences it at a terminal; off a terminal nothing is printed without --progress', async () => {
    const file = dataFile(2 * MiB);
    const [quiet, shown, piped] = await Promise.all(
      [1, 2, 3].map(async () => {
        const id = await glanceImage(['--name', uniqueName('progress')]);
        created.push(id);
        return id;
      }),
    ).then(([a, b, c]) =>
      Promise.all([
        viaPty(['image-upload', a, '--file', file, '--no-progress'], { env: { NO_COLOR: '' } }),
        viaPty(['image-upload', b, '--file', file], { env: { NO_COLOR: '', TERM: 'xterm-256color', CI: undefined } }),
        tsglance(['image-upload', c, '--file', file]),
      ]),
    );
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).not.toMatch(/Upload/);
    expect(shown.code, shown.stdout).toBe(0);
    expect(shown.stdout).toMatch(/Uploaded 2\.0 MiB in/);
    // NO_COLOR set but empty is no request: the spinner is coloured
    expect(shown.stdout).toMatch(/\x1b\[3\dm/);
    expect(piped).toMatchObject({ code: 0, stdout: '', stderr: '' });
  }, 180_000);

  it('NO_COLOR=1 (non-empty) and FORCE_COLOR=0 take the colour away at a terminal', async () => {
    const file = dataFile(1 * MiB);
    for (const env of [{ NO_COLOR: '1' }, { NO_COLOR: undefined, FORCE_COLOR: '0' }]) {
      const id = await glanceImage(['--name', uniqueName('progress')]);
      created.push(id);
      const res = await viaPty(['image-upload', id, '--file', file], { env: { ...env, TERM: 'xterm-256color', CI: undefined } });
      expect(res.stdout).toMatch(/Uploaded 1\.0 MiB in/);
      expect(res.stdout).not.toMatch(/\x1b\[3\dm/);
    }
  }, 180_000);
});
