import { findImage } from '../../glance/images.js';
import { updateLocation } from '../../glance/locations.js';
import { parseJsonObject, requireFlag } from '../misc/inputs.js';
import { defineCommand } from '../types.js';
import { METADATA_OPTION, printImageDict } from './common.js';

export const locationUpdate = defineCommand<{ image: string; url: string; metadata: Record<string, unknown> }>({
  name: 'location-update',
  summary: "Update metadata of an image's location.",
  args: [{ name: 'IMAGE_ID', description: 'Image whose location is to be updated (name or ID).', complete: 'images' }],
  options: [
    { flags: '--url <URL>', description: 'URL of location to update. Required.' },
    METADATA_OPTION,
  ],
  parse: ({ args, flags }) => ({
    image: args[0] as string,
    url: requireFlag(flags, 'url', '--url'),
    metadata: parseJsonObject(String(flags.metadata ?? '{}'), '--metadata'),
  }),
  async run(opts, deps) {
    // glanceclient prints this on stdout, inside the data; here it is a message on stderr
    if (!Object.keys(opts.metadata).length) deps.warn("WARNING -- The location's metadata will be updated to an empty JSON object.");
    const client = await deps.glance();
    const image = await findImage(client, opts.image);
    await printImageDict(deps, await updateLocation(client, image, opts.url, opts.metadata));
  },
});
