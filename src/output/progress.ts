/**
 * Transfer progress on stderr (never stdout: data and tables go there).
 *
 * - On an interactive TTY (deps.io.interactive): an ora line redrawn in place —
 *   `Uploading 512.0 MiB / 1.0 GiB (50%) · 95.3 MiB/s · ETA 0:05`.
 * - Off a TTY (CI logs): a plain line every `intervalMs` (default 5 s), then one summary line.
 * - Size unknown (a pipe on stdin): bytes and rate, no percent or ETA — the view never vanishes.
 * - Not enabled (no --progress): nothing at all, on a TTY or not.
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
  /** --progress given */
  enabled: boolean;
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
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${UNITS[i]}`;
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

const silent: TransferProgress = { update: () => undefined, done: () => undefined, fail: () => undefined };

export async function startProgress(opts: ProgressOptions): Promise<TransferProgress> {
  if (!opts.enabled) return silent;
  const now = opts.now ?? Date.now;
  const started = now();
  const meter = new RateMeter();
  const initial = opts.initial ?? 0;
  let bytes = initial;
  meter.add(started, initial);
  const state = (): ProgressState => ({ label: opts.label, bytes, total: opts.total, rate: meter.rate() });

  if (opts.io.interactive) {
    const { default: ora } = await import('ora');
    // discardStdin off: stdin may be the very image data being uploaded
    const spinner = ora({
      text: formatProgress(state()),
      stream: opts.io.stderr as NodeJS.WritableStream,
      isEnabled: true,
      discardStdin: false,
      color: opts.io.color ? 'cyan' : false,
    } as never);
    spinner.start();
    let last = 0;
    return {
      update(n) {
        bytes = n;
        const t = now();
        if (t - last < 100) return;
        last = t;
        meter.add(t, n);
        spinner.text = formatProgress(state());
      },
      done() {
        spinner.succeed(formatSummary(opts.label, bytes - initial, now() - started));
      },
      fail() {
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
