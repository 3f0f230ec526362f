/**
 * Shared by image-create, image-upload, image-stage (and image-create-via-import): store
 * validation, an upload with its progress view, and the "delete the record this command created
 * when its upload fails" rule.
 */
import { CliError, ExitCode, InterruptedError, UsageError } from '../../errors.js';
import { randomUUID } from 'node:crypto';
import type { GlanceClient } from '../../glance/client.js';
import { createImage, getImage, type Image } from '../../glance/images.js';
import { uploadImageData } from '../../glance/data.js';
import { getStores } from '../../glance/info.js';
import { ConnectionError, HttpError } from '../../http.js';
import type { Deps } from '../types.js';
import type { DataSource } from './data-source.js';

/**
 * `--store` must name a store of this cloud (GET /v2/info/stores). A cloud without multi-store
 * (404) is let through, as glanceclient does; the server then decides.
 */
export async function validateStore(client: GlanceClient, store: string): Promise<void> {
  let ids: string[];
  try {
    ids = (await getStores(client)).stores.map((s) => s.id);
  } catch (err) {
    if (err instanceof CliError && /Multi Backend support is not enabled/.test(err.message)) return;
    throw err;
  }
  if (!ids.includes(store)) {
    throw new UsageError(
      `Store '${store}' is not valid for this cloud. Valid values can be retrieved with stores-info command (${ids.join(', ')}).`,
    );
  }
}

export interface TransferOptions {
  target: 'file' | 'stage';
  store?: string;
  /** --progress / --no-progress; undefined: on at a terminal */
  progress?: boolean;
}

/** Upload a data source to an existing image, with the progress view; errors are left to the caller. */
export async function transferData(
  client: GlanceClient,
  imageId: string,
  data: DataSource,
  opts: TransferOptions,
  deps: Pick<Deps, 'io' | 'signal'>,
): Promise<number> {
  const { startProgress } = await import('../../output/progress.js');
  const view = await startProgress({
    io: deps.io,
    label: opts.target === 'stage' ? 'Staging' : 'Uploading',
    total: data.size,
    enabled: opts.progress,
  });
  try {
    const res = await uploadImageData(client, imageId, data.open(), {
      target: opts.target,
      store: opts.store,
      size: data.size,
      signal: deps.signal,
      onProgress: (n) => view.update(n),
    });
    view.update(res.bytes);
    view.done();
    return res.bytes;
  } catch (err) {
    view.fail();
    throw err;
  }
}

export function failureText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * After a failed or interrupted upload of a record this command created: delete it unless
 * `keep`, and turn the failure into one error that says what happened to the record.
 * Exit status 130 when interrupted, else 1.
 */
export async function cleanupAfterFailedUpload(
  client: GlanceClient,
  imageId: string,
  err: unknown,
  opts: { keep: boolean; interrupted: boolean; what?: string },
): Promise<CliError> {
  const what = opts.what ?? 'Upload';
  const cause = opts.interrupted ? `${what} interrupted` : `${what} failed: ${failureText(err)}`;
  const code = opts.interrupted ? ExitCode.interrupted : ExitCode.error;
  if (opts.keep) {
    return new CliError(`${cause}; image ${imageId} was kept (--keep-on-failure)`, code);
  }
  try {
    await deleteImageRetrying(client, imageId, { budgetMs: CLEANUP_BUDGET_S * 1000 });
    const msg = `${cause}; image ${imageId} (created by this command) was deleted`;
    return opts.interrupted ? new InterruptedError(msg) : new CliError(msg, code);
  } catch (delErr) {
    const why = delErr instanceof HttpError || delErr instanceof CliError ? delErr.message : String(delErr);
    return new CliError(`${cause}; could not delete image ${imageId} (${why}); delete it with: tsglance image-delete ${imageId}`, code);
  }
}

/**
 * A retried DELETE's answer that means an earlier attempt did delete the image: 404, or Glance's
 * 400 "Image status transition from deleted to deleted is not allowed" (the first attempt was
 * still finishing when it answered 500).
 */
export function alreadyDeleted(err: unknown): boolean {
  if (!(err instanceof HttpError)) return false;
  if (err.status === 404) return true;
  return err.status === 400 && /transition from (deleted|pending_delete) to /i.test(`${err.message} ${err.detail ?? ''}`);
}

/**
 * POST /v2/images with an ID chosen here (Glance accepts a client's `id`; `--id` wins), so that
 * when the reply is lost — a reset, a timeout, a reply that is not an image, an interruption — the
 * record can be found by that ID and deleted instead of being left queued. A 4xx means nothing
 * was created and is raised as it is; anything else is checked, and the error line names the ID.
 */
export async function createImageRecord(
  client: GlanceClient,
  body: Record<string, unknown>,
  deps: Pick<Deps, 'signal'>,
): Promise<Image> {
  const id = typeof body.id === 'string' && body.id ? body.id : randomUUID();
  try {
    return await createImage(client, { ...body, id }, deps.signal);
  } catch (err) {
    if (err instanceof HttpError && err.status < 500) throw err;
    const interrupted = deps.signal.aborted;
    const cause = interrupted ? 'Creating the image was interrupted' : `Creating the image failed: ${failureText(err)}`;
    const fail = (msg: string) => (interrupted ? new InterruptedError(msg) : new CliError(msg));
    const bound = { timeout: CLEANUP_BUDGET_S, timeoutName: `the ${CLEANUP_BUDGET_S} s cleanup limit`, signal: new AbortController().signal };
    let exists: boolean;
    try {
      exists = !!(await getImage(client, id, bound));
    } catch (checkErr) {
      if (checkErr instanceof CliError && /^No image with a name or ID/.test(checkErr.message)) exists = false;
      else {
        throw fail(`${cause}; whether image ${id} was created could not be checked (${failureText(checkErr)}); look with: tsglance image-show ${id}`);
      }
    }
    if (!exists) throw fail(`${cause}; no image ${id} was created`);
    try {
      await deleteImageRetrying(client, id, { budgetMs: CLEANUP_BUDGET_S * 1000 });
    } catch (delErr) {
      throw fail(`${cause}; image ${id} was created but could not be deleted (${failureText(delErr)}); delete it with: tsglance image-delete ${id}`);
    }
    throw fail(`${cause}; image ${id} was created without a reply and has been deleted`);
  }
}

/**
 * How long the cleanup after a failed or interrupted command may take, all attempts together: it
 * runs when something already went wrong (often a stalled server), so it gets a short bound of its
 * own rather than --timeout, and it goes on after the run's signal was aborted.
 */
export const CLEANUP_BUDGET_S = 20;

/**
 * DELETE an image, tolerating the moments when Glance is still busy with it (the upload handler
 * reverting a failed upload answers 409/500 for a short while; SQLite-backed servers say
 * "database is locked"; a gateway answers 502/504; a connection drops): up to 5 attempts with backoff. The retries
 * are all made here (not in the HTTP layer), so that a retry which finds the image already
 * deleted is known to be one, and counts as success.
 */
export async function deleteImageRetrying(
  client: GlanceClient,
  imageId: string,
  opts: { transient?: number[]; sleep?: (ms: number) => Promise<void>; budgetMs?: number } = {},
): Promise<void> {
  const transientStatuses = opts.transient ?? [409, 500, 502, 503, 504];
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const path = `/v2/images/${encodeURIComponent(imageId)}`;
  const deadline = opts.budgetMs !== undefined ? Date.now() + opts.budgetMs : undefined;
  const bound = () => {
    if (deadline === undefined) return {};
    const left = Math.max(0.5, (deadline - Date.now()) / 1000);
    // a signal of its own: the cleanup outlives the run's (aborted) signal, bounded by its budget
    return { timeout: left, timeoutName: `the ${opts.budgetMs! / 1000} s cleanup limit`, signal: new AbortController().signal };
  };
  for (let attempt = 0; ; attempt++) {
    try {
      await client.send('DELETE', path, { idempotent: false, ...bound() });
      return;
    } catch (err) {
      if (attempt > 0 && alreadyDeleted(err)) {
        client.http.debug(`DELETE ${path}: an earlier attempt deleted it (${(err as HttpError).status})`);
        return;
      }
      const transient =
        (err instanceof HttpError && transientStatuses.includes(err.status)) || err instanceof ConnectionError;
      if (!transient || attempt >= 4) throw err;
      const pause = Math.min(250 * 2 ** attempt, 4000);
      if (deadline !== undefined && Date.now() + pause >= deadline) throw err;
      client.http.debug(`DELETE ${path} answered ${(err as HttpError).status}; retrying`);
      await sleep(pause);
    }
  }
}
