import { defineCommand } from '../types.js';

interface ImageArg {
  image: string;
}

function action(name: 'deactivate' | 'reactivate', summary: string) {
  return defineCommand<ImageArg>({
    name: `image-${name}`,
    summary,
    args: [{ name: 'IMAGE_ID', description: `Name or ID of image to ${name}.`, complete: 'images' }],
    parse: ({ args }) => ({ image: args[0] as string }),
    async run(opts, deps) {
      const client = await deps.glance();
      const { resolveImageId, imageAction } = await import('../../glance/images.js');
      await imageAction(client, await resolveImageId(client, opts.image), name);
    },
  });
}

export const imageDeactivate = action('deactivate', 'Deactivate specified image.');
export const imageReactivate = action('reactivate', 'Reactivate specified image.');
