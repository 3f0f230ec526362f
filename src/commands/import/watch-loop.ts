/**
 * Follows an import until every requested store has settled: polls the image and its tasks with
 * a gentle backoff (deps.clock), renders the live view, then prints the image on stdout and
 * returns the documented exit status. Ctrl-C and --watch-timeout stop the watching, never the import.
 * A watch always ends by itself: when nothing is left to wait for (no import task pending or
 * processing, no store importing: exit 1) and when nothing has changed for --stall-timeout
 * seconds (exit 124, the task and its last message named; the import is left alone).
 */
import { ExitCode, UsageError } from '../../errors.js';
import type { GlanceClient } from '../../glance/client.js';
import { getImage, type Image } from '../../glance/images.js';
import { getImageTasks, importState, pickTask, splitStores, type ImageTask, type ImportState } from '../../glance/import.js';
import { printImage } from '../../output/image-view.js';
import { createWatchView, type WatchView } from '../../output/watch.js';
import type { Deps, OptionDef } from '../types.js';

export const POLL_MIN_MS = 500;
export const POLL_MAX_MS = 5000;
export const POLL_FACTOR = 1.5;
/**
 * Default bound on "nothing changed" (image status, task status and message, store states).
 * Glance updates an import task's message ("Copied N MiB") at most once a minute while it writes
 * to a store, and not at all while web-download fetches into staging, so a quiet half hour is
 * what a slow but healthy import of a large image can look like.
 */
export const DEFAULT_STALL_SECONDS = 1800;

export const STALL_TIMEOUT_OPTION: OptionDef = {
  flags: '--stall-timeout <SECONDS>',
  description: `Stop watching when nothing has changed (image status, task status or message, any store) for this many seconds (default ${DEFAULT_STALL_SECONDS}): exit 124, the task and its last message named; the import goes on.`,
  type: 'number',
};

/** --wait / --no-wait / --watch-timeout / --stall-timeout, shared by image-create-via-import, image-import and image-watch. */
export const WATCH_OPTIONS: OptionDef[] = [
  {
    flags: '--wait',
    description:
      'Follow the import until every store has settled, with a live per-store view on stderr (the default on a terminal).',
  },
  { flags: '--no-wait', description: 'Return as soon as the import is accepted, as glanceclient does.' },
  {
    flags: '--watch-timeout <SECONDS>',
    description: 'Stop watching after this many seconds (exit 124); the import goes on.',
    type: 'number',
  },
  STALL_TIMEOUT_OPTION,
];

export interface WatchFlags {
  /** undefined: decide from the terminal */
  wait?: boolean;
  watchTimeout?: number;
  stallTimeout: number;
}

/** --stall-timeout: a positive number of seconds (there is no "never": every wait has a bound). */
export function parseStallTimeout(flags: Record<string, unknown>): number {
  const t = flags.stallTimeout as number | undefined;
  if (t === undefined) return DEFAULT_STALL_SECONDS;
  if (!(t > 0)) throw new UsageError(`--stall-timeout: '${t}' is not a positive number of seconds`);
  return t;
}

export function parseWatchFlags(flags: Record<string, unknown>): WatchFlags {
  const wait = flags.wait === undefined ? undefined : !!flags.wait;
  const t = flags.watchTimeout as number | undefined;
  return { wait, watchTimeout: t !== undefined && t > 0 ? t : undefined, stallTimeout: parseStallTimeout(flags) };
}

/** Watch by default on a terminal (stderr), on request elsewhere. */
export function shouldWatch(flags: WatchFlags, deps: Pick<Deps, 'io'>): boolean {
  return flags.wait ?? deps.io.stderrIsTTY;
}

export interface WatchRequest {
  imageId: string;
  /** the stores asked for; empty = every store the image has or is importing to */
  stores: string[];
  /** the import task to follow (os_glance_import_task right after the POST) */
  taskId?: string;
  timeoutSeconds?: number;
  /** stop when nothing has changed for this long (default DEFAULT_STALL_SECONDS) */
  stallSeconds?: number;
  humanReadable?: boolean;
  /** the image record was created by this command (image-create-via-import): a failure says it is kept */
  createdByCommand?: boolean;
}

function sameState(a: ImportState | undefined, b: ImportState): boolean {
  return (
    !!a &&
    a.status === b.status &&
    a.task?.status === b.task?.status &&
    a.task?.message === b.task?.message &&
    a.stores.map((r) => r.state).join() === b.stores.map((r) => r.state).join()
  );
}

/** image-watch without --stores: what the image is in, the import task's targets, what is importing or failed. */
function storesOfInterest(image: Image, task: ImageTask | undefined): string[] {
  const input = task?.input as { backend?: unknown } | null | undefined;
  const backend = Array.isArray(input?.backend) ? input.backend.filter((s): s is string => typeof s === 'string') : [];
  return [
    ...new Set([
      ...splitStores(image.stores),
      ...backend,
      ...splitStores(image.os_glance_importing_to_stores),
      ...splitStores(image.os_glance_failed_import),
    ]),
  ];
}

const resumeHint = (id: string) => `resume with: tsglance image-watch ${id}`;

const TASK_ACTIVE = new Set(['pending', 'processing']);

/**
 * Nothing left to wait for: no import task of the image pending or processing (when the tasks API
 * answers), no import lock on the image, no store importing, and the image not importing.
 */
function nothingPending(image: Image, tasks: ImageTask[] | undefined): boolean {
  if (tasks?.some((t) => TASK_ACTIVE.has(t.status))) return false;
  if (image.os_glance_import_task) return false;
  if (splitStores(image.os_glance_importing_to_stores).length) return false;
  return tasks !== undefined || image.status !== 'importing';
}

/** Watch an import; prints the image at the end (not when interrupted) and returns the exit status. */
export async function watchImport(deps: Deps, client: GlanceClient, req: WatchRequest): Promise<number> {
  const { clock, signal } = deps;
  const started = clock.now();
  const deadline = req.timeoutSeconds !== undefined ? started + req.timeoutSeconds * 1000 : undefined;
  let view: WatchView | undefined;
  let delay = POLL_MIN_MS;
  let state: ImportState | undefined;
  let image: Image | undefined;
  let taskId = req.taskId;
  let tasksApi = true;
  const culprits = new Set<string>();
  const stallMs = (req.stallSeconds ?? DEFAULT_STALL_SECONDS) * 1000;
  let changedAt = started;
  /** consecutive polls that found nothing pending (two are needed: one could race a task's start) */
  let idlePolls = 0;

  const finish = async (code: number, note?: string): Promise<number> => {
    view?.stop(code === ExitCode.interrupted ? undefined : state, clock.now() - started, note);
    if (code !== ExitCode.interrupted && image) await printImage(deps.output, image, { humanReadable: req.humanReadable });
    return code;
  };

  try {
    view = await createWatchView(deps.io);
    // with --watch-timeout, every poll runs under what is left of it: a stalled server cannot
    // keep the watch past its bound
    const budget = () => {
      if (deadline === undefined) return {};
      const left = Math.max(0.1, (deadline - clock.now()) / 1000);
      return left < client.http.timeout ? { timeout: left, timeoutName: `--watch-timeout ${req.timeoutSeconds}` } : {};
    };
    for (;;) {
      image = await getImage(client, req.imageId, budget());
      let tasks: ImageTask[] | undefined;
      if (tasksApi) {
        tasks = await getImageTasks(client, req.imageId, budget());
        if (tasks === undefined) tasksApi = false;
      }
      taskId ??= image.os_glance_import_task;
      const task = pickTask(tasks, taskId);
      if (task && !taskId) taskId = task.id;
      const next = importState(image, req.stores.length ? req.stores : storesOfInterest(image, task), task, [...culprits]);
      if (next.outcome === 'running') for (const r of next.stores) if (r.state === 'failed') culprits.add(r.store);
      if (signal.aborted) break;
      const unchanged = sameState(state, next) && state?.task?.id === next.task?.id;
      delay = unchanged ? Math.min(POLL_MAX_MS, Math.round(delay * POLL_FACTOR)) : POLL_MIN_MS;
      const now = clock.now();
      if (!unchanged) changedAt = now;
      state = next;
      view.update(state, now - started);
      if (state.outcome !== 'running') break;
      idlePolls = nothingPending(image, tasks) ? idlePolls + 1 : 0;
      if (idlePolls >= 2) {
        return await finish(
          ExitCode.error,
          `Nothing to watch: image ${req.imageId} (status ${image.status}) has no import task pending or processing and no store importing.`,
        );
      }
      if (deadline !== undefined && now >= deadline) {
        return await finish(
          ExitCode.timeout,
          `Stopped watching after ${req.timeoutSeconds}s; the import of ${req.imageId} goes on (${resumeHint(req.imageId)}).`,
        );
      }
      if (now - changedAt >= stallMs) {
        const t = state.task;
        const what = t ? `task ${t.id} is still ${t.status}, last message: ${t.message ? `'${t.message}'` : '(none)'}` : `image status ${state.status}`;
        return await finish(
          ExitCode.timeout,
          `No progress for ${Math.round((now - changedAt) / 1000)}s (--stall-timeout ${req.stallSeconds ?? DEFAULT_STALL_SECONDS}): ${what}; ` +
            `stopped watching, the import of ${req.imageId} is left alone (${resumeHint(req.imageId)}).`,
        );
      }
      const until = Math.min(deadline ?? Infinity, changedAt + stallMs);
      await clock.sleep(Math.min(delay, Math.max(0, until - now)), signal);
    }
  } catch (err) {
    if (deadline !== undefined && clock.now() >= deadline && !signal.aborted) {
      return finish(
        ExitCode.timeout,
        `Stopped watching after ${req.timeoutSeconds}s (Glance did not answer in time); the import of ${req.imageId} goes on (${resumeHint(req.imageId)}).`,
      );
    }
    if (!signal.aborted) {
      view?.stop(undefined, clock.now() - started);
      throw err;
    }
  }
  if (signal.aborted || !state) {
    return finish(
      ExitCode.interrupted,
      `Stopped watching; the import of ${req.imageId} goes on (${resumeHint(req.imageId)}).`,
    );
  }
  switch (state.outcome) {
    case 'ok':
      return finish(ExitCode.ok);
    case 'partial':
      return finish(
        ExitCode.partial,
        `Image ${state.imageId} is active, but the import failed in: ${state.failedStores.join(', ')} ` +
          `(allowed by --allow-failure true).`,
      );
    default: {
      const where = state.failedStores.length ? ` in store ${state.failedStores.join(', ')}` : '';
      // kept as glanceclient keeps it: the record holds Glance's account of the failure
      // (os_glance_failed_import) and a queued image can be imported again
      const kept = req.createdByCommand
        ? ` Image ${state.imageId} (created by this command) was kept, as glance keeps it: it records the failure` +
          ` (os_glance_failed_import); retry with tsglance image-import ${state.imageId} or delete it with tsglance image-delete ${state.imageId}.`
        : '';
      return finish(
        ExitCode.error,
        `Import of image ${state.imageId} failed${where}: ${state.reason ?? 'unknown reason'} (image status ${state.status}).${kept}`,
      );
    }
  }
}
