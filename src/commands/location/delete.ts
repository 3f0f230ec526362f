import { findImage } from '../../glance/images.js';
import { deleteLocations } from '../../glance/locations.js';
import { requireFlag } from '../misc/inputs.js';
import { defineCommand } from '../types.js';

export const locationDelete = defineCommand<{ image: string; urls: string[] }>({
  name: 'location-delete',
  summary: 'Remove locations (and related metadata) from an image.',
  args: [{ name: 'IMAGE_ID', description: 'Image whose locations are to be removed (name or ID).', complete: 'images' }],
  options: [{ flags: '--url <URL>', description: 'URL of location to remove. May be used multiple times. Required.', repeatable: true }],
  parse: ({ args, flags }) => {
    requireFlag(flags, 'url', '--url');
    return { image: args[0] as string, urls: flags.url as string[] };
  },
  async run(opts, deps) {
    const client = await deps.glance();
    await deleteLocations(client, await findImage(client, opts.image), opts.urls);
  },
});
