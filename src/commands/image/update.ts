import { CliError } from '../../errors.js';
import { defineCommand } from '../types.js';
import { imageFieldOptions, parseImageFields, type ImageFields } from './create-options.js';

export interface ImageUpdateOptions {
  image: string;
  parsed: ImageFields;
}

export const imageUpdate = defineCommand<ImageUpdateOptions>({
  name: 'image-update',
  summary: 'Update an existing image.',
  description:
    'All changes go in ONE JSON-patch request (application/openstack-images-v2.1-json-patch). --remove-property of a\n' +
    'key the image does not have is an error naming the key (glanceclient ignores it silently).',
  args: [{ name: 'IMAGE_ID', description: 'Name or ID of image to update.', complete: 'images' }],
  options: imageFieldOptions('update'),
  examples: [
    'tsglance image-update cirros --property architecture=x86_64 --min-ram 256',
    'tsglance image-update cirros --hidden True --remove-property hw_qemu_guest_agent',
  ],
  parse({ args, flags }) {
    return { image: args[0] as string, parsed: parseImageFields(flags, 'update') };
  },
  async run(opts, deps) {
    for (const n of opts.parsed.notices) deps.warn(n);
    const client = await deps.glance();
    const { getSchema } = await import('../../glance/schema.js');
    const { validateImageFields } = await import('./create-options.js');
    if (Object.keys(opts.parsed.fields).length) {
      validateImageFields(opts.parsed.fields, await getSchema(client, 'image', { env: deps.env, debug: deps.debug }), opts.parsed.propertyKeys);
    }
    const { findImage, imagePatch, patchImage } = await import('../../glance/images.js');
    const image = await findImage(client, opts.image);
    const absent = opts.parsed.remove.filter((k) => !(k in image));
    if (absent.length) {
      throw new CliError(
        `--remove-property: image ${image.id} has no propert${absent.length > 1 ? 'ies' : 'y'} ${absent.map((k) => `'${k}'`).join(', ')}; nothing was changed`,
      );
    }
    const ops = imagePatch(image, opts.parsed.fields, opts.parsed.remove);
    const updated = ops.length ? await patchImage(client, image.id, ops, deps.signal) : image;
    const { printImage } = await import('../../output/image-view.js');
    await printImage(deps.output, updated);
  },
});
