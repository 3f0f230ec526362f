/**
 * The live view on a real terminal: tmux gives tsglance a pseudo-terminal on stderr (stdout goes to
 * a file), the pane is captured while the import runs and at the end, and the rows are asserted.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteImages } from './helpers/fixtures.js';
import { BIN, cleanEnv, hasTmux, killTmuxSession, uniqueName } from './helpers/run.js';
import { stackEnv } from './helpers/stack.js';


const created: string[] = [];
const session = `tsglance-watch-${process.pid}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

afterAll(async () => {
  killTmuxSession(session);
  await deleteImages(created);
});

describe.skipIf(!hasTmux)('live view on a TTY (tmux)', () => {
  it('shows a spinner row per store, then the final rows; the image goes to stdout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsglance-tty-'));
    const web = stackEnv('admin');
    const file = `${uniqueName('tty')}.qcow2`;
    execFileSync('qemu-img', ['create', '-f', 'qcow2', join(web.GLANCE_STACK_WEB_ROOT, file), '64M'], { stdio: 'ignore' });
    const env = { ...cleanEnv(), TERM: 'xterm-256color' };
    delete (env as Record<string, string>).NO_COLOR;
    delete (env as Record<string, string>).CI;
    const out = join(dir, 'out.json');
    const script = join(dir, 'run.sh');
    writeFileSync(
      script,
      [
        ...Object.entries(env).map(([k, v]) => `export ${k}=${q(v)}`),
        `${q(process.execPath)} ${q(BIN)} image-create-via-import --name ${uniqueName('tty')} --disk-format qcow2 --container-format bare ` +
          `--import-method web-download --uri ${q(`${web.GLANCE_STACK_WEB_URL}/${file}`)} --all-stores true -f json > ${q(out)} < /dev/null`,
        `echo $? > ${q(join(dir, 'rc'))}`,
        'sleep 60',
      ].join('\n'),
    );
    execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '150', '-y', '40', `bash ${q(script)}`]);
    const frames: string[] = [];
    // until the command has ended (bounded by time, not by a count of frames: a loaded machine
    // captures fewer frames per second and imports more slowly)
    const end = Date.now() + 240_000;
    while (!existsSync(join(dir, 'rc')) && Date.now() < end) {
      frames.push(execFileSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' }));
      await sleep(200);
    }
    await sleep(300);
    const final = execFileSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' });
    expect(readFileSync(join(dir, 'rc'), 'utf8').trim()).toBe('0');
    const img = JSON.parse(readFileSync(out, 'utf8'));
    created.push(img.id);
    expect(img.status).toBe('active');

    // while running: a spinner frame with the image, one row per store, a store being imported
    const live = frames.find((f) => /→ importing/.test(f));
    expect(live, frames.join('\n=====\n')).toBeDefined();
    expect(live).toMatch(new RegExp(`[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Importing \\S+ \\(${img.id}\\) — status \\w+ — \\d\\d:\\d\\d`));
    for (const store of ['central', 'dcn0', 'dcn1']) expect(live).toMatch(new RegExp(`^  ${store}\\s+\\S+ (pending|importing|active)$`, 'm'));
    // the end: redrawn in place (one header only), every store active, the task's result
    expect(final.match(/Import(ed|ing) /g)).toHaveLength(1);
    expect(final).toMatch(new RegExp(`✔ Imported \\S+ \\(${img.id}\\) — status active`));
    for (const store of ['central', 'dcn0', 'dcn1']) expect(final).toMatch(new RegExp(`^  ${store}\\s+✔ active$`, 'm'));
    expect(final).toMatch(/^  task success/m);
    // no escape codes leak into stdout
    expect(readFileSync(out, 'utf8')).not.toMatch(/\x1b/);
  });
});
