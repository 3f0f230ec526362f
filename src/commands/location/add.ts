import { UsageError } from '../../errors.js';
import { findImage } from '../../glance/images.js';
import { addLocation } from '../../glance/locations.js';
import { parseJsonObject, requireFlag } from '../misc/inputs.js';
import { defineCommand } from '../types.js';
import { METADATA_OPTION, printImageDict } from './common.js';

export interface LocationAddOptions {
  image: string;
  url: string;
  metadata: Record<string, unknown>;
  validationData: Record<string, string>;
}

export const locationAdd = defineCommand<LocationAddOptions>({
  name: 'location-add',
  summary: 'Add a location (and related metadata) to an image.',
  description: 'Needs show_multiple_locations = True on the Glance server (otherwise it answers 403).',
  args: [{ name: 'IMAGE_ID', description: 'Image to which the location is to be added (name or ID).', complete: 'images' }],
  options: [
    { flags: '--url <URL>', description: 'URL of location to add. Required.' },
    METADATA_OPTION,
    { flags: '--checksum <STRING>', description: 'md5 checksum of image contents' },
    { flags: '--hash-algo <STRING>', description: 'Multihash algorithm' },
    { flags: '--hash-value <STRING>', description: 'Multihash value' },
  ],
  examples: [`tsglance location-add cirros --url file:///var/lib/glance/images/x --metadata '{"store": "central"}'`],
  parse({ args, flags }) {
    const url = requireFlag(flags, 'url', '--url');
    const metadata = parseJsonObject(String(flags.metadata ?? '{}'), '--metadata');
    const validationData: Record<string, string> = {};
    if (flags.checksum) validationData.checksum = String(flags.checksum);
    if (flags.hashAlgo) validationData.os_hash_algo = String(flags.hashAlgo);
    if (flags.hashValue) validationData.os_hash_value = String(flags.hashValue);
    if (!!flags.hashAlgo !== !!flags.hashValue) throw new UsageError('--hash-algo and --hash-value go together');
    return { image: args[0] as string, url, metadata, validationData };
  },
  async run(opts, deps) {
    const client = await deps.glance();
    const image = await findImage(client, opts.image);
    await printImageDict(deps, await addLocation(client, image.id, opts.url, opts.metadata, opts.validationData));
  },
});
