import { defineCommand } from '../types.js';
import { pyRepr } from './tasks.js';

interface TagArgs {
  image: string;
  tag: string;
}

const ARGS = (what: string) => [
  { name: 'IMAGE_ID', description: `Name or ID of the image ${what}.`, complete: 'images' as const },
  { name: 'TAG_VALUE', description: 'Value of the tag.' },
];

export const imageTagUpdate = defineCommand<TagArgs>({
  name: 'image-tag-update',
  summary: 'Update an image with the given tag.',
  args: ARGS('to be updated with the given tag'),
  parse: ({ args }) => ({ image: args[0] as string, tag: args[1] as string }),
  async run(opts, deps) {
    const client = await deps.glance();
    const { resolveImageId, addImageTag, getImage } = await import('../../glance/images.js');
    const id = await resolveImageId(client, opts.image);
    await addImageTag(client, id, opts.tag);
    const image = await getImage(client, id);
    await deps.output.list(
      [
        { label: 'ID', key: 'id' },
        // print_list shows str(list): the Python repr, ['a', 'b']
        { label: 'Tags', key: 'tags', cell: (row) => pyRepr(row.tags ?? []) },
      ],
      [image],
    );
  },
});

export const imageTagDelete = defineCommand<TagArgs>({
  name: 'image-tag-delete',
  summary: 'Delete the tag associated with the given image.',
  args: ARGS('from which to delete tag'),
  parse: ({ args }) => ({ image: args[0] as string, tag: args[1] as string }),
  async run(opts, deps) {
    const client = await deps.glance();
    const { resolveImageId, deleteImageTag } = await import('../../glance/images.js');
    await deleteImageTag(client, await resolveImageId(client, opts.image), opts.tag);
  },
});
