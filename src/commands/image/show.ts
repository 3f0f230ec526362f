import { findImage } from '../../glance/images.js';
import { printImage } from '../../output/image-view.js';
import { defineCommand } from '../types.js';

export interface ImageShowOptions {
  image: string;
  humanReadable: boolean;
  maxColumnWidth: number;
}

export const imageShow = defineCommand<ImageShowOptions>({
  name: 'image-show',
  summary: 'Describe a specific image.',
  args: [{ name: 'IMAGE', description: 'Name or ID of image to describe.', complete: 'images' }],
  options: [
    { flags: '--human-readable', description: 'Print image size in a human-friendly format.' },
    {
      flags: '--max-column-width <integer>',
      description: 'The max column width of the printed table.',
      type: 'int',
      default: 80,
    },
  ],
  parse({ args, flags }) {
    return {
      image: args[0] as string,
      humanReadable: !!flags.humanReadable,
      maxColumnWidth: flags.maxColumnWidth as number,
    };
  },
  async run(opts, deps) {
    const image = await findImage(await deps.glance(), opts.image);
    await printImage(deps.output, image, { humanReadable: opts.humanReadable, maxWidth: opts.maxColumnWidth });
  },
});
