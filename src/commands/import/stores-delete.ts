/**
 * stores-delete --store S IMAGE: remove an image's data from one store. The store is checked
 * against /v2/info/stores first (exit 2). The image's own refusals (not in that store, its only
 * copy) are said before the DELETE only when the caller's project owns the image: Glance checks
 * permission before anything else, so for anyone else its answer (403, or the admin's 403/404 with
 * Glance's own reason) is the truth, and the request it refuses changes nothing.
 */
import { CliError, UsageError } from '../../errors.js';
import { HttpError } from '../../http.js';
import { findImage } from '../../glance/images.js';
import { deleteFromStore, enabledStores, splitStores } from '../../glance/import.js';
import { defineCommand } from '../types.js';
import { callerOwns } from './ownership.js';

export interface StoresDeleteOptions {
  image: string;
  store: string;
}

export const storesDelete = defineCommand<StoresDeleteOptions>({
  name: 'stores-delete',
  summary: 'Delete image from specific store.',
  args: [{ name: 'IMAGE', description: 'Name or ID of image to update.', complete: 'images' }],
  options: [{ flags: '--store <STORE_ID>', description: 'Store to delete image from. (required)', complete: 'stores' }],
  examples: ['tsglance stores-delete --store dcn1 cirros'],
  parse({ args, flags }) {
    const store = flags.store as string | undefined;
    if (!store) throw new UsageError("required option '--store <STORE_ID>' not specified");
    return { image: args[0] as string, store };
  },
  async run(opts, deps) {
    const client = await deps.glance();
    const available = await enabledStores(client);
    if (!available) throw new UsageError('Multi Backend support is not enabled: an image has only one store.');
    if (!available.some((s) => s.id === opts.store)) {
      throw new UsageError(
        `Store '${opts.store}' is not valid for this cloud. Valid values are: ${available.map((s) => s.id).join(', ')} (see stores-info).`,
      );
    }
    const image = await findImage(client, opts.image);
    if (await callerOwns(client, image)) {
      const stores = splitStores(image.stores);
      if (!stores.includes(opts.store)) {
        throw new CliError(
          `Image ${image.id} is not in store '${opts.store}'` +
            (stores.length ? `; it is in: ${stores.join(', ')}.` : ` (it has no data in any store; status ${image.status}).`),
        );
      }
      if (stores.length === 1) {
        // Glance's own words for this refusal
        throw new CliError(
          `Store '${opts.store}' holds the only copy of image ${image.id}: Glance does not delete image data from the only store containing it.`,
        );
      }
    }
    try {
      await deleteFromStore(client, opts.store, image.id);
    } catch (err) {
      if (err instanceof HttpError) {
        throw new CliError(`Unable to delete image '${image.id}' from store '${opts.store}'. (${err.message})`, err.exitCode);
      }
      throw err;
    }
  },
});
