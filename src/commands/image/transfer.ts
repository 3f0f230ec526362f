/**
 * Shared by image-create, image-upload, image-stage (and image-create-via-import): store
 * validation, an upload with its progress view, and the "delete the record this command created
 * when its upload fails" rule.
 */
import { CliError, ExitCode, InterruptedError, UsageError } from '../../errors.js';
import type { GlanceClient } from '../../glance/client.js';
import { uploadImageData } from '../../glance/data.js';
import { getStores } from '../../glance/info.js';
import { HttpError } from '../../http.js';
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
  progress: boolean;
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
    await client.send('DELETE', `/v2/images/${encodeURIComponent(imageId)}`);
    const msg = `${cause}; image ${imageId} (created by this command) was deleted`;
    return opts.interrupted ? new InterruptedError(msg) : new CliError(msg, code);
  } catch (delErr) {
    const why = delErr instanceof HttpError || delErr instanceof CliError ? delErr.message : String(delErr);
    return new CliError(`${cause}; could not delete image ${imageId}: ${why}`, code);
  }
}
