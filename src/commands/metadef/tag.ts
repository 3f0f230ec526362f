import { UsageError } from '../../errors.js';
import { createTag, createTags, deleteTag, getTag, listTags, updateTag } from '../../glance/metadefs.js';
import { requireFlag } from '../misc/inputs.js';
import { defineCommand } from '../types.js';
import { NS_ARG } from './common.js';

const TAG_ARG = { name: 'TAG', description: 'Name of the tag.' };
const NAME_COLUMN = [{ label: 'name', key: 'name' }];

function nonBlank(name: string): string {
  const n = name.trim();
  if (!n) throw new UsageError('Please supply at least one non-blank tag name.');
  return n;
}

export const mdTagCreate = defineCommand<{ ns: string; name: string }>({
  name: 'md-tag-create',
  summary: 'Add a new metadata definitions tag inside a namespace.',
  args: [NS_ARG('Name of the namespace the tag will belong to.')],
  options: [{ flags: '--name <NAME>', description: 'The name of the new tag to add. Required.' }],
  parse: ({ args, flags }) => ({ ns: args[0] as string, name: nonBlank(requireFlag(flags, 'name', '--name')) }),
  async run(opts, deps) {
    await deps.output.record(await createTag(await deps.glance(), opts.ns, opts.name));
  },
});

export const mdTagCreateMultiple = defineCommand<{ ns: string; names: string[]; append: boolean }>({
  name: 'md-tag-create-multiple',
  summary: 'Create new metadata definitions tags inside a namespace.',
  description: 'Without --append the namespace keeps only the tags given.',
  args: [NS_ARG('Name of the namespace the tags will belong to.')],
  options: [
    { flags: '--names <NAMES>', description: 'A comma separated list of tag names. Required.' },
    { flags: '--delim <DELIM>', description: 'The delimiter used to separate the names (if none is provided then the default is a comma).' },
    { flags: '--append', description: 'Append the new tags to the existing ones instead of overwriting them' },
  ],
  examples: ['tsglance md-tag-create-multiple my-ns --names gold,silver --append'],
  parse({ args, flags }) {
    const delim = (flags.delim as string | undefined) || ',';
    const names = requireFlag(flags, 'names', '--names')
      .split(delim)
      .map((n) => n.trim())
      .filter(Boolean);
    if (!names.length) throw new UsageError('Please supply at least one tag name. For example: --names Tag1');
    return { ns: args[0] as string, names, append: !!flags.append };
  },
  async run(opts, deps) {
    await deps.output.list(NAME_COLUMN, await createTags(await deps.glance(), opts.ns, opts.names, opts.append));
  },
});

export const mdTagUpdate = defineCommand<{ ns: string; tag: string; name: string }>({
  name: 'md-tag-update',
  summary: 'Rename a metadata definitions tag inside a namespace.',
  args: [NS_ARG('Name of the namespace to which the tag belongs.'), { name: 'TAG', description: 'Name of the old tag.' }],
  options: [{ flags: '--name <NAME>', description: 'New name of the new tag. Required.' }],
  parse: ({ args, flags }) => ({ ns: args[0] as string, tag: args[1] as string, name: nonBlank(requireFlag(flags, 'name', '--name')) }),
  async run(opts, deps) {
    await deps.output.record(await updateTag(await deps.glance(), opts.ns, opts.tag, opts.name));
  },
});

export const mdTagShow = defineCommand<{ ns: string; tag: string }>({
  name: 'md-tag-show',
  summary: 'Describe a specific metadata definitions tag inside a namespace.',
  args: [NS_ARG('Name of the namespace to which the tag belongs.'), TAG_ARG],
  parse: ({ args }) => ({ ns: args[0] as string, tag: args[1] as string }),
  async run(opts, deps) {
    await deps.output.record(await getTag(await deps.glance(), opts.ns, opts.tag));
  },
});

export const mdTagDelete = defineCommand<{ ns: string; tag: string }>({
  name: 'md-tag-delete',
  summary: 'Delete a specific metadata definitions tag inside a namespace.',
  args: [NS_ARG('Name of the namespace to which the tag belongs.'), TAG_ARG],
  parse: ({ args }) => ({ ns: args[0] as string, tag: args[1] as string }),
  async run(opts, deps) {
    await deleteTag(await deps.glance(), opts.ns, opts.tag);
  },
});

export const mdTagList = defineCommand<{ ns: string }>({
  name: 'md-tag-list',
  summary: 'List metadata definitions tags inside a specific namespace.',
  args: [NS_ARG()],
  parse: ({ args }) => ({ ns: args[0] as string }),
  async run(opts, deps) {
    await deps.output.list(NAME_COLUMN, await listTags(await deps.glance(), opts.ns));
  },
});
