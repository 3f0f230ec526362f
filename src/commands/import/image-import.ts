/**
 * image-import: start the interoperable import of an existing image (glanceclient's
 * do_image_import, copy-image included), then follow it (see watch-loop.ts).
 */
import { CliError } from '../../errors.js';
import { findImage, getImage } from '../../glance/images.js';
import { startImport, targetStores, type ImportRequest } from '../../glance/import.js';
import { printImage } from '../../output/image-view.js';
import { defineCommand } from '../types.js';
import { callerOwns } from './ownership.js';
import { checkServerSide, importFlags, importMethodOption, importRequestFromFlags, IMPORT_TARGET_OPTIONS } from './rules.js';
import { DEFAULT_STALL_SECONDS, parseWatchFlags, shouldWatch, watchImport, WATCH_OPTIONS, type WatchFlags } from './watch-loop.js';

export interface ImageImportOptions {
  image: string;
  request: ImportRequest;
  watch: WatchFlags;
}

/** The status each method needs (glanceclient's messages). */
export function checkImageForImport(image: { status: string; container_format?: unknown; disk_format?: unknown }, method: string): void {
  if (!(image.container_format && image.disk_format)) {
    throw new CliError("The 'container_format' and 'disk_format' properties must be set on an image before it can be imported.");
  }
  const status = image.status;
  if (method === 'glance-direct' && status !== 'uploading') {
    throw new CliError(
      `The 'glance-direct' import method can only be applied to an image in status 'uploading' (it is '${status}'; stage the data first with image-stage).`,
    );
  }
  if ((method === 'web-download' || method === 'glance-download') && status !== 'queued') {
    throw new CliError(`The '${method}' import method can only be applied to an image in status 'queued' (it is '${status}').`);
  }
  if (method === 'copy-image' && status !== 'active') {
    throw new CliError(`The 'copy-image' import method can only be used on an image with status 'active' (it is '${status}').`);
  }
}

export const imageImport = defineCommand<ImageImportOptions>({
  name: 'image-import',
  summary: 'Initiate the image import taskflow, and follow it to the end.',
  description:
    'On a terminal the import is followed with a live per-store view (--wait elsewhere, --no-wait to return at once).\n' +
    'Exit status: 0 every store succeeded, 1 the import failed (or nothing is left to wait for), 3 active but some stores\n' +
    'failed (--allow-failure true), 124 --watch-timeout ran out or nothing changed for --stall-timeout (default\n' +
    `${DEFAULT_STALL_SECONDS} s; the import goes on, resume with image-watch), 130 interrupted.`,
  args: [{ name: 'IMAGE', description: 'Name or ID of image to import.', complete: 'images' }],
  options: [importMethodOption('glance-direct'), ...IMPORT_TARGET_OPTIONS, ...WATCH_OPTIONS],
  examples: [
    'tsglance image-import --import-method copy-image --stores dcn0,dcn1 cirros',
    'tsglance image-import --import-method web-download --uri https://example.org/cirros.qcow2 --all-stores true IMAGE_ID',
  ],
  parse({ args, flags }) {
    return {
      image: args[0] as string,
      request: importRequestFromFlags(importFlags(flags)),
      watch: parseWatchFlags(flags),
    };
  },
  async run(opts, deps) {
    const client = await deps.glance();
    const available = await checkServerSide(client, opts.request);
    const image = await findImage(client, opts.image);
    // the image's state speaks for the server only when the caller owns it (Glance checks
    // permission first; anyone else gets the server's own answer)
    const owned = await callerOwns(client, image);
    if (owned) checkImageForImport(image, opts.request.method);
    const stores = targetStores(opts.request, available, image);
    if (owned && opts.request.method === 'copy-image' && opts.request.stores) {
      const have = (image.stores ?? '').split(',');
      const already = opts.request.stores.filter((s) => have.includes(s));
      if (already.length) throw new CliError(`Image ${image.id} is already in store ${already.join(', ')}.`);
    }
    if (owned && opts.request.method === 'copy-image' && opts.request.allStores && stores.length === 0) {
      deps.warn(`Image ${image.id} is already in every store; nothing to copy.`);
    }
    await startImport(client, image.id, opts.request);
    const after = await getImage(client, image.id);
    if (!shouldWatch(opts.watch, deps)) {
      await printImage(deps.output, after);
      return;
    }
    return watchImport(deps, client, {
      imageId: image.id,
      stores,
      taskId: after.os_glance_import_task,
      timeoutSeconds: opts.watch.watchTimeout,
      stallSeconds: opts.watch.stallTimeout,
    });
  },
});
