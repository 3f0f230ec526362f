import { findImage } from '../../glance/images.js';
import { listLocations, type Location } from '../../glance/locations.js';
import { defineCommand } from '../types.js';

export const locationList = defineCommand<{ image: string }>({
  name: 'location-list',
  summary: "List an image's locations (not in glanceclient).",
  description:
    "Shows the image's `locations` field when the server exposes it (show_multiple_locations), else asks the Locations API (GET /v2/images/{id}/locations, v2.17).",
  args: [{ name: 'IMAGE_ID', description: 'Image whose locations to list (name or ID).', complete: 'images' }],
  examples: ['tsglance location-list cirros', 'tsglance location-list cirros -f value -c url'],
  parse: ({ args }) => ({ image: args[0] as string }),
  async run(opts, deps) {
    const client = await deps.glance();
    const locations = await listLocations(client, await findImage(client, opts.image));
    await deps.output.list<Location>(
      [
        { label: 'URL', key: 'url' },
        { label: 'Metadata', key: 'metadata', cell: (l) => JSON.stringify(l.metadata ?? {}) },
      ],
      locations,
    );
  },
});
