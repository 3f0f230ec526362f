import { CliError, ExitCode } from '../../errors.js';
import { defineCommand } from '../types.js';

export interface ImageDeleteOptions {
  images: string[];
}

/** How many DELETEs are in flight at once. */
export const DELETE_CONCURRENCY = 4;

export const imageDelete = defineCommand<ImageDeleteOptions>({
  name: 'image-delete',
  summary: 'Delete specified image.',
  description: 'Several images are deleted concurrently; each failure is one line on stderr, and the exit status is 1 if any failed.',
  args: [{ name: 'IMAGE_ID', description: 'Name or ID of image(s) to delete.', variadic: true, complete: 'images' }],
  examples: ['tsglance image-delete old-cirros 0b6c8a3e-5f0c-4f0e-9d6a-1c2e3f4a5b6c'],
  parse({ args }) {
    return { images: [...new Set(args[0] as string[])] };
  },
  async run(opts, deps) {
    const client = await deps.glance();
    const { findImage, isUuid } = await import('../../glance/images.js');
    const { deleteImageRetrying } = await import('./transfer.js');
    const { HttpError } = await import('../../http.js');
    const results: (string | undefined)[] = new Array(opts.images.length);
    let next = 0;
    const worker = async () => {
      while (next < opts.images.length) {
        const i = next++;
        const arg = opts.images[i];
        try {
          const id = isUuid(arg) ? arg : (await findImage(client, arg)).id;
          // server and gateway errors only: a 409 (in use) is an answer, not a hiccup
          await deleteImageRetrying(client, id, { transient: [500, 502, 503, 504] });
        } catch (err) {
          if (err instanceof HttpError) {
            const detail = err.detail ? ` (${err.detail})` : '';
            if (err.status === 403) results[i] = `You are not permitted to delete the image '${arg}'.${detail}`;
            else if (err.status === 404) results[i] = `No image with an ID of '${arg}' exists.`;
            else if (err.status === 409) results[i] = `Unable to delete image '${arg}' because it is in use.${detail}`;
            else results[i] = `'${err.message}': Unable to delete image '${arg}'`;
          } else if (err instanceof CliError) {
            results[i] = err.message;
          } else {
            throw err;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(DELETE_CONCURRENCY, opts.images.length) }, worker));
    const failures = results.filter((r): r is string => r !== undefined);
    for (const f of failures) deps.warn(f);
    return failures.length ? ExitCode.error : ExitCode.ok;
  },
});
