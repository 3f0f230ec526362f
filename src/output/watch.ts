/**
 * The live per-store view of an import, on stderr: an ora spinner with one row per requested
 * store, the image status, the latest task message and the elapsed time when the terminal allows
 * it (io.interactive); otherwise one plain line each time something changes.
 */
import type { ImportState, StoreState } from '../glance/import.js';
import type { IO } from './io.js';

export interface WatchView {
  /** show the latest state (renders only what changed, off a TTY) */
  update(state: ImportState, elapsedMs: number): void;
  /** leave the last view on screen; `note` is a closing line */
  stop(state: ImportState | undefined, elapsedMs: number, note?: string): void;
}

export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(sec).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

const SYMBOL: Record<StoreState, string> = {
  pending: '·',
  importing: '→',
  active: '✔',
  failed: '✖',
  reverted: '↺',
};

export type Paint = (state: StoreState | 'dim' | 'bold', text: string) => string;
const noPaint: Paint = (_s, t) => t;

function title(state: ImportState): string {
  return state.name ? `${state.name} (${state.imageId})` : state.imageId;
}

function taskLine(state: ImportState): string | undefined {
  if (!state.task) return undefined;
  return state.task.message ? `task ${state.task.status}: ${state.task.message}` : `task ${state.task.status}`;
}

/** The lines of the live view (the first one follows the spinner). */
export function renderLines(state: ImportState, elapsedMs: number, paint: Paint = noPaint): string[] {
  const verb =
    state.outcome === 'ok' ? 'Imported' : state.outcome === 'partial' ? 'Partly imported' : state.outcome === 'failed' ? 'Import failed:' : 'Importing';
  const lines = [`${verb} ${title(state)} — status ${paint('bold', state.status)} — ${formatElapsed(elapsedMs)}`];
  const width = Math.max(5, ...state.stores.map((r) => r.store.length));
  for (const row of state.stores) {
    lines.push(`  ${row.store.padEnd(width)}  ${paint(row.state, `${SYMBOL[row.state]} ${row.state}`)}`);
  }
  const t = taskLine(state);
  if (t) lines.push(paint('dim', `  ${t}`));
  return lines;
}

/** What a plain line shows apart from the time: a new line is written when this changes. */
export function plainKey(state: ImportState): string {
  const stores = state.stores.map((r) => `${r.store}: ${r.state}`).join(', ');
  const t = taskLine(state);
  return [`status ${state.status}`, stores || 'no stores', ...(t ? [t] : [])].join(' | ');
}

/** One line per change, for logs and CI. */
export function plainLine(state: ImportState, elapsedMs: number): string {
  return `[${formatElapsed(elapsedMs)}] ${state.imageId}: ${plainKey(state)}`;
}

class PlainView implements WatchView {
  private last = '';
  constructor(private readonly io: IO) {}
  update(state: ImportState, elapsedMs: number): void {
    const key = plainKey(state);
    if (key === this.last) return;
    this.last = key;
    this.io.stderr.write(`${plainLine(state, elapsedMs)}\n`);
  }
  stop(state: ImportState | undefined, elapsedMs: number, note?: string): void {
    if (state) this.update(state, elapsedMs);
    if (note) this.io.stderr.write(`${note}\n`);
  }
}

type Spinner = {
  text: string;
  start(): Spinner;
  stop(): Spinner;
  stopAndPersist(o: { symbol?: string; text?: string }): Spinner;
};

class LiveView implements WatchView {
  private state?: ImportState;
  private elapsedAt = 0;
  private startedAt = Date.now();
  private timer?: NodeJS.Timeout;
  constructor(
    private readonly io: IO,
    private readonly spinner: Spinner,
    private readonly paint: Paint,
  ) {
    // the elapsed time moves on between polls
    this.timer = setInterval(() => this.render(), 1000);
    this.timer.unref();
  }
  private render(): void {
    if (!this.state) return;
    const elapsed = this.elapsedAt + (Date.now() - this.startedAt);
    this.spinner.text = renderLines(this.state, elapsed, this.paint).join('\n');
  }
  update(state: ImportState, elapsedMs: number): void {
    this.state = state;
    this.elapsedAt = elapsedMs;
    this.startedAt = Date.now();
    this.render();
  }
  stop(state: ImportState | undefined, elapsedMs: number, note?: string): void {
    clearInterval(this.timer);
    if (!state) {
      this.spinner.stop();
    } else {
      this.state = state;
      const symbol =
        state.outcome === 'ok'
          ? this.paint('active', '✔')
          : state.outcome === 'failed'
            ? this.paint('failed', '✖')
            : state.outcome === 'partial'
              ? this.paint('reverted', '!')
              : this.paint('dim', '…');
      this.spinner.stopAndPersist({ symbol, text: renderLines(state, elapsedMs, this.paint).join('\n') });
    }
    if (note) this.io.stderr.write(`${note}\n`);
  }
}

/** The live view on a capable terminal, plain lines elsewhere. */
export async function createWatchView(io: IO): Promise<WatchView> {
  if (!io.interactive) return new PlainView(io);
  const { default: ora } = await import('ora');
  let paint: Paint = noPaint;
  if (io.color) {
    const { Chalk } = await import('chalk');
    const c = new Chalk({ level: 1 });
    const styles: Record<string, (t: string) => string> = {
      pending: c.dim,
      importing: c.cyan,
      active: c.green,
      failed: c.red,
      reverted: c.yellow,
      dim: c.dim,
      bold: c.bold,
    };
    paint = (s, t) => (styles[s] ?? ((x: string) => x))(t);
  }
  const spinner = ora({
    stream: io.stderr as NodeJS.WritableStream,
    isEnabled: true,
    discardStdin: false,
    color: io.color ? 'cyan' : false,
    text: 'Waiting for the import to start…',
  }).start() as unknown as Spinner;
  return new LiveView(io, spinner, paint);
}
