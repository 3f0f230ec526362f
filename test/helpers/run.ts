/**
 * Run tsglance (the built binary) and python-glanceclient side by side with a clean environment:
 * no OS_* from the developer's shell, a private cache directory, and stdin closed unless given.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stackEnv, type Who } from './stack.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'tsglance');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOpts {
  /** 'admin' | 'demo' credentials of the stack, or a full environment of our own */
  as?: Who | 'none';
  env?: Record<string, string | undefined>;
  /** bytes for stdin; default: stdin closed (as cron or `<&-`) */
  input?: string | Buffer;
  /** 'null' gives /dev/null on stdin */
  stdin?: 'closed' | 'null';
  cwd?: string;
  timeoutMs?: number;
}

const privateCache = mkdtempSync(join(tmpdir(), 'tsglance-test-cache-'));

/** The process environment minus anything OpenStack, plus the chosen credentials. */
export function cleanEnv(opts: RunOpts = {}): Record<string, string> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('OS_') && k !== 'TSGLANCE_DEBUG') base[k] = v;
  }
  base.XDG_CACHE_HOME = privateCache;
  base.NO_COLOR = '1';
  const creds = opts.as === 'none' ? {} : stackEnv(opts.as ?? 'admin');
  const merged: Record<string, string | undefined> = { ...base, ...creds, ...opts.env };
  return Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined)) as Record<string, string>;
}

/** Wait for a spawned child, collecting its output; SIGKILL after `timeoutMs` (just inside a test's bound). */
export function collect(child: ChildProcess, timeoutMs = 280_000): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr?.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code: code ?? -1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        ms: Date.now() - started,
      });
    });
  });
}

/** Any program (an installed tsglance, the single executable) with the same clean environment. */
export function run(cmd: string, args: string[], opts: RunOpts = {}): Promise<RunResult> {
  // `exec … <&-` closes fd 0 the way cron does; glanceclient needs that for --file with glance-direct
  const closed = opts.input === undefined && opts.stdin !== 'null';
  const child = closed
    ? spawn('sh', ['-c', 'exec "$@" <&-', 'sh', cmd, ...args], { env: cleanEnv(opts), cwd: opts.cwd ?? ROOT })
    : spawn(cmd, args, {
        env: cleanEnv(opts),
        cwd: opts.cwd ?? ROOT,
        stdio: [opts.stdin === 'null' && opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
  const result = collect(child, opts.timeoutMs);
  if (child.stdin) {
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input);
  }
  return result;
}

export function tsglance(args: string[], opts: RunOpts = {}): Promise<RunResult> {
  return run(process.execPath, [BIN, ...args], opts);
}

export function glance(args: string[], opts: RunOpts = {}): Promise<RunResult> {
  return run('/usr/bin/glance', args, opts);
}

/** A name no other test (or earlier run) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

/** Run the same command with tsglance and glance; both succeed and print the same bytes. */
export async function expectSameAsGlance(args: string[], opts: RunOpts = {}): Promise<RunResult> {
  const { expect } = await import('vitest');
  const [ours, theirs] = await Promise.all([tsglance(args, opts), glance(args, opts)]);
  expect(theirs.code, theirs.stderr).toBe(0);
  expect(ours.stderr, args.join(' ')).toBe('');
  expect(ours.code).toBe(0);
  expect(ours.stdout).toBe(theirs.stdout);
  return ours;
}

export interface PtyOpts extends RunOpts {
  /** when this appears in the output, type `answer` (keystrokes in an array are sent 50 ms apart, as typed) */
  prompt?: string;
  answer?: string | string[];
  /** press Enter after the answer (default true) */
  enter?: boolean;
  /** the terminal's size (default 80x24) */
  columns?: number;
}

/**
 * Run tsglance on a pseudo-terminal (stdin, stdout and stderr all the pty, as at an operator's
 * shell); when `prompt` appears in its output, type `answer` (and Enter). stdout is everything the
 * terminal showed; there is no separate stderr.
 */
export function viaPty(args: string[], opts: PtyOpts): Promise<RunResult> {
  const driver = [
    'import os, pty, sys, select, time, fcntl, termios, struct, json',
    'pid, fd = pty.fork()',
    'if pid == 0:',
    "    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', 24, int(sys.argv[4]), 0, 0))",
    '    os.execvp(sys.argv[5], sys.argv[5:])',
    "out, sent, end = b'', sys.argv[1] == '', time.time() + 60",
    'while time.time() < end:',
    '    r, _, _ = select.select([fd], [], [], 0.2)',
    '    if r:',
    '        try: chunk = os.read(fd, 4096)',
    '        except OSError: break',
    '        if not chunk: break',
    '        out += chunk',
    '    if not sent and sys.argv[1].encode() in out:',
    '        for key in json.loads(sys.argv[2]) + [sys.argv[3]]: os.write(fd, key.encode()); time.sleep(0.05)',
    '        sent = True',
    '_, status = os.waitpid(pid, 0)',
    'sys.stdout.write(out.decode())',
    'sys.exit(os.waitstatus_to_exitcode(status))',
  ].join('\n');
  const enter = opts.enter === false ? '' : '\r';
  const child = spawn(
    '/usr/bin/python3',
    ['-c', driver, opts.prompt ?? '', JSON.stringify([opts.answer ?? ''].flat()), enter, String(opts.columns ?? 80), process.execPath, BIN, ...args],
    { env: cleanEnv(opts), cwd: opts.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return collect(child, opts.timeoutMs);
}

/** tmux is installed (the live-view tests drive a real terminal with it). */
export const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** End a tmux session a test started, if it is still there. */
export function killTmuxSession(session: string): void {
  try {
    execFileSync('tmux', ['kill-session', '-t', session], { stdio: 'ignore' });
  } catch {
    /* already gone */
  }
}
