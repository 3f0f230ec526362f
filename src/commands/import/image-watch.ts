/** image-watch: the live per-store view for an image already importing (what `watch glance image-show` was for). */
import { findImage } from '../../glance/images.js';
import { splitStores } from '../../glance/import.js';
import { defineCommand } from '../types.js';
import { DEFAULT_STALL_SECONDS, parseStallTimeout, STALL_TIMEOUT_OPTION, watchImport } from './watch-loop.js';

export interface ImageWatchOptions {
  image: string;
  stores?: string[];
  watchTimeout?: number;
  stallTimeout: number;
  humanReadable: boolean;
}

export const imageWatch = defineCommand<ImageWatchOptions>({
  name: 'image-watch',
  summary: 'Follow an image import until every store has settled, with a live per-store view.',
  description:
    'Polls the image (os_glance_importing_to_stores, os_glance_failed_import, status) and its import task,\n' +
    'then prints the image. Exit status: 0 every store succeeded, 1 the import failed or there is nothing to\n' +
    'watch (no import task pending or processing, no store importing), 3 active but some stores failed,\n' +
    `124 --watch-timeout ran out or nothing changed for --stall-timeout (default ${DEFAULT_STALL_SECONDS} s), 130 interrupted (the import itself goes on).`,
  args: [{ name: 'IMAGE', description: 'Name or ID of the image to follow.', complete: 'images' }],
  options: [
    {
      flags: '--stores <STORES>',
      description: 'Stores to follow (comma separated); default: every store the image is in, importing to or failed in.',
      complete: 'stores',
    },
    {
      flags: '--watch-timeout <SECONDS>',
      description: 'Stop watching after this many seconds (exit 124); the import goes on.',
      type: 'number',
    },
    STALL_TIMEOUT_OPTION,
    { flags: '--human-readable', description: 'Print image size in a human-friendly format.' },
  ],
  examples: ['tsglance image-watch cirros', 'tsglance image-watch --watch-timeout 600 -f json IMAGE_ID'],
  parse({ args, flags }) {
    const stores = typeof flags.stores === 'string' ? splitStores(flags.stores) : undefined;
    const t = flags.watchTimeout as number | undefined;
    return {
      image: args[0] as string,
      stores: stores?.length ? stores : undefined,
      watchTimeout: t !== undefined && t > 0 ? t : undefined,
      stallTimeout: parseStallTimeout(flags),
      humanReadable: !!flags.humanReadable,
    };
  },
  async run(opts, deps) {
    const client = await deps.glance();
    const image = await findImage(client, opts.image);
    return watchImport(deps, client, {
      imageId: image.id,
      stores: opts.stores ?? [],
      taskId: image.os_glance_import_task,
      timeoutSeconds: opts.watchTimeout,
      stallSeconds: opts.stallTimeout,
      humanReadable: opts.humanReadable,
    });
  },
});
