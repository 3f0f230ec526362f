/**
 * Transfer progress on stderr (never stdout: data and tables go there).
 *
 * - On an interactive TTY (deps.io.interactive), by default: an ora line redrawn in place, cut to
 *   the terminal's width so that it never wraps —
 *   `Uploading  50% ███████░░░░░░░ 512.0 MiB/1.0 GiB 95.3 MiB/s ETA 0:05`.
 * - Off a TTY (CI logs), only with --progress: a plain line every `intervalMs` (default 5 s), then
 *   one summary line.
 * - --no-progress: nothing at all. Off a TTY without --progress: nothing either.
 * - Size unknown (a pipe on stdin): bytes and rate, no bar, percent or ETA — the view never vanishes.
 *
 * The rate is measured over the last few seconds, so the ETA follows the current speed.
 */
import type { IO } from './io.js';

export interface ProgressOptions {
  io: IO;
  /** present participle for the running line, e.g. 'Uploading', 'Staging', 'Downloading' */
  label: string;
  /** total bytes when known */
  total?: number;
  /** --progress (true), --no-progress (false), neither (undefined: on at an interactive terminal) */
  enabled?: boolean;
  /** bytes already there before this run (a resumed download): not counted in the rate or summary */
  initial?: number;
  /** milliseconds between plain lines off a TTY (default 5000) */
  intervalMs?: number;
  now?: () => number;
}

export interface TransferProgress {
  /** cumulative bytes transferred so far */
  update(bytes: number): void;
  /** the transfer completed: final summary */
  done(): void;
  /** the transfer failed: clear the live line (the caller prints the error) */
  fail(): void;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatBytes(n: number): string {
  let v = n;
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  // a rate below 1 KiB/s is a fraction of bytes: whole bytes, not 32.0855614973262 B
  return i === 0 ? `${Math.round(v)} B` : `${v.toFixed(1)} ${UNITS[i]}`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

export interface ProgressState {
  label: string;
  bytes: number;
  total?: number;
  /** bytes per second, undefined until measurable */
  rate?: number;
}

/** One progress line (pure, for tests and both renderers). */
export function formatProgress(s: ProgressState): string {
  const parts: string[] = [];
  if (s.total !== undefined && s.total > 0) {
    const pct = Math.min(100, Math.floor((s.bytes / s.total) * 100));
    parts.push(`${s.label} ${formatBytes(s.bytes)} / ${formatBytes(s.total)} (${pct}%)`);
  } else {
    parts.push(`${s.label} ${formatBytes(s.bytes)}`);
  }
  if (s.rate !== undefined) {
    parts.push(`${formatBytes(s.rate)}/s`);
    if (s.total !== undefined && s.total > 0 && s.rate > 0) {
      parts.push(`ETA ${formatDuration(Math.max(0, s.total - s.bytes) / s.rate)}`);
    }
  }
  return parts.join(' · ');
}

/** The parts of the terminal line that may go when it is narrow, first to last. */
type Droppable = 'percent' | 'label' | 'total';
const DROP_ORDER: Droppable[] = ['percent', 'label', 'total'];
const MIN_BAR = 10;
const MAX_BAR = 30;

/**
 * The terminal's line: a bar, bytes, rate and ETA in at most `width` columns. When the bar would
 * be narrower than MIN_BAR, the percentage, then the label, then the total go (the bar still
 * shows the fraction); what cannot fit even then is cut.
 */
export function formatProgressLine(s: ProgressState, width: number): string {
  const known = s.total !== undefined && s.total > 0;
  if (!known) return cut(formatProgress(s), width);
  const total = s.total!;
  const fraction = Math.min(1, s.bytes / total);
  const rate = s.rate !== undefined ? `${formatBytes(s.rate)}/s` : '';
  const eta = s.rate ? `ETA ${formatDuration(Math.max(0, total - s.bytes) / s.rate)}` : '';
  const dropped = new Set<Droppable>();
  for (let i = 0; ; i++) {
    const before = [dropped.has('label') ? '' : s.label, dropped.has('percent') ? '' : `${String(Math.floor(fraction * 100)).padStart(3)}%`];
    const bytes = dropped.has('total') ? formatBytes(s.bytes) : `${formatBytes(s.bytes)}/${formatBytes(total)}`;
    const after = [bytes, rate, eta];
    const fixed = [...before, ...after].filter(Boolean);
    const barWidth = width - fixed.reduce((n, p) => n + p.length + 1, 0);
    if (barWidth >= MIN_BAR || i === DROP_ORDER.length) {
      const parts = [...before.filter(Boolean), bar(fraction, Math.max(0, Math.min(MAX_BAR, barWidth))), ...after.filter(Boolean)];
      return cut(parts.filter(Boolean).join(' '), width);
    }
    dropped.add(DROP_ORDER[i]);
  }
}

function bar(fraction: number, width: number): string {
  const full = Math.floor(fraction * width);
  return '█'.repeat(full) + '░'.repeat(width - full);
}

function cut(text: string, width: number): string {
  return [...text].slice(0, Math.max(0, width)).join('');
}

/** Summary line: `Uploaded 1.0 GiB in 10.7 s (95.3 MiB/s)`. */
export function formatSummary(label: string, bytes: number, ms: number): string {
  const past = label.replace(/ing$/, 'ed');
  const secs = ms / 1000;
  const rate = secs > 0 ? ` (${formatBytes(bytes / secs)}/s)` : '';
  return `${past} ${formatBytes(bytes)} in ${secs.toFixed(1)} s${rate}`;
}

/** Rate over a sliding window of samples (last ~3 s). */
class RateMeter {
  private samples: { t: number; b: number }[] = [];
  constructor(private readonly windowMs = 3000) {}
  add(t: number, b: number): void {
    this.samples.push({ t, b });
    while (this.samples.length > 2 && t - this.samples[1].t >= this.windowMs) this.samples.shift();
  }
  rate(): number | undefined {
    if (this.samples.length < 2) return undefined;
    const a = this.samples[0];
    const z = this.samples[this.samples.length - 1];
    return z.t > a.t ? ((z.b - a.b) * 1000) / (z.t - a.t) : undefined;
  }
}

/** The done mark, green only when io.color says so (ora's own symbols decide colour by themselves). */
async function successMark(color: boolean): Promise<string> {
  if (!color) return '✔';
  const { Chalk } = await import('chalk');
  return new Chalk({ level: 1 }).green('✔');
}

const silent: TransferProgress = { update: () => undefined, done: () => undefined, fail: () => undefined };

export async function startProgress(opts: ProgressOptions): Promise<TransferProgress> {
  if (!(opts.enabled ?? opts.io.interactive)) return silent;
  const now = opts.now ?? Date.now;
  const started = now();
  const meter = new RateMeter();
  const initial = opts.initial ?? 0;
  let bytes = initial;
  meter.add(started, initial);
  const state = (): ProgressState => ({ label: opts.label, bytes, total: opts.total, rate: meter.rate() });

  if (opts.io.interactive) {
    const [{ default: ora }, paint] = await Promise.all([import('ora'), successMark(opts.io.color)]);
    const stream = opts.io.stderr as NodeJS.WritableStream & { columns?: number };
    // the spinner and its space take 2 columns; the last column stays free (some terminals wrap there)
    const line = () => formatProgressLine(state(), (stream.columns || opts.io.columns) - 3);
    // discardStdin off: stdin may be the very image data being uploaded
    const spinner = ora({
      text: line(),
      stream,
      isEnabled: true,
      discardStdin: false,
      color: opts.io.color ? 'cyan' : false,
    } as never);
    spinner.start();
    // redrawn on a clock, not on data: the line catches up after the last chunk and, when the data
    // stalls, the rate falls and the ETA grows instead of freezing
    const redraw = () => {
      meter.add(now(), bytes);
      spinner.text = line();
    };
    const timer = setInterval(redraw, 200);
    timer.unref();
    return {
      update(n) {
        bytes = n;
      },
      done() {
        clearInterval(timer);
        spinner.stopAndPersist({ symbol: paint, text: formatSummary(opts.label, bytes - initial, now() - started) });
      },
      fail() {
        clearInterval(timer);
        spinner.stop();
      },
    };
  }

  const interval = opts.intervalMs ?? 5000;
  let lastLine = started;
  let lastSample = started;
  const write = (line: string) => opts.io.stderr.write(`${line}\n`);
  return {
    update(n) {
      bytes = n;
      const t = now();
      if (t - lastSample >= 250) {
        lastSample = t;
        meter.add(t, n);
      }
      if (t - lastLine >= interval) {
        lastLine = t;
        meter.add(t, n);
        write(formatProgress(state()));
      }
    },
    done() {
      write(formatSummary(opts.label, bytes - initial, now() - started));
    },
    fail() {
      /* the error line says it all */
    },
  };
}
