import { UsageError } from '../../errors.js';
import { resolveImageId } from '../../glance/images.js';
import { addImageLocation, HASH_ALGOS } from '../../glance/locations.js';
import { printImage } from '../../output/image-view.js';
import { parseJsonObject, requireFlag } from '../misc/inputs.js';
import { defineCommand } from '../types.js';

export const addLocationCmd = defineCommand<{ image: string; url: string; validationData: Record<string, string> }>({
  name: 'add-location',
  summary: 'Add location to an image which is in `queued` state only.',
  description: 'Uses the Locations API (POST /v2/images/{id}/locations, Glance API v2.17 and later).',
  args: [{ name: 'IMAGE_ID', description: 'Image whose location is to be added (name or ID).', complete: 'images' }],
  options: [
    { flags: '--url <URL>', description: 'URL of location to add. Required.' },
    {
      flags: '--validation-data <STRING>',
      description:
        'Validation data containing os_hash_algo and os_hash_value only associated to the image. Must be a valid JSON object (default: {})',
      default: '{}',
    },
  ],
  examples: [
    `tsglance add-location myimage --url file:///data/x.raw --validation-data '{"os_hash_algo": "sha512", "os_hash_value": "..."}'`,
  ],
  parse({ args, flags }) {
    const url = requireFlag(flags, 'url', '--url');
    const data = parseJsonObject(String(flags.validationData ?? '{}'), '--validation-data');
    const extra = Object.keys(data).filter((k) => k !== 'os_hash_algo' && k !== 'os_hash_value');
    if (extra.length) {
      throw new UsageError(`--validation-data should contain only os_hash_algo and os_hash_value; not ${extra.join(', ')}`);
    }
    if (Object.keys(data).length) {
      if (typeof data.os_hash_algo !== 'string' || typeof data.os_hash_value !== 'string') {
        throw new UsageError('--validation-data needs both os_hash_algo and os_hash_value, as strings');
      }
      if (!(HASH_ALGOS as readonly string[]).includes(data.os_hash_algo)) {
        throw new UsageError(`--validation-data: os_hash_algo '${data.os_hash_algo}' is not one of ${HASH_ALGOS.join(', ')}`);
      }
    }
    return { image: args[0] as string, url, validationData: data as Record<string, string> };
  },
  async run(opts, deps) {
    const client = await deps.glance();
    const image = await addImageLocation(client, await resolveImageId(client, opts.image), opts.url, opts.validationData);
    await printImage(deps.output, image);
  },
});
