import { resolveImageId } from '../../glance/images.js';
import { createMember } from '../../glance/members.js';
import { defineCommand } from '../types.js';
import { MEMBER_COLUMNS } from './list.js';

export const memberCreate = defineCommand<{ image: string; member: string }>({
  name: 'member-create',
  summary: 'Create member for a given image.',
  args: [
    { name: 'IMAGE_ID', description: 'Image with which to create member (name or ID).', complete: 'images' },
    { name: 'MEMBER_ID', description: 'Tenant to add as member.' },
  ],
  examples: ['tsglance member-create cirros 0140a3a805854b0c92808fa0caac6fcd'],
  parse: ({ args }) => ({ image: args[0] as string, member: args[1] as string }),
  async run(opts, deps) {
    const client = await deps.glance();
    const member = await createMember(client, await resolveImageId(client, opts.image), opts.member);
    await deps.output.list(MEMBER_COLUMNS, [member]);
  },
});
