import { resolveImageId } from '../../glance/images.js';
import { deleteMember } from '../../glance/members.js';
import { defineCommand } from '../types.js';

export const memberDelete = defineCommand<{ image: string; member: string }>({
  name: 'member-delete',
  summary: 'Delete image member.',
  args: [
    { name: 'IMAGE_ID', description: 'Image from which to remove member (name or ID).', complete: 'images' },
    { name: 'MEMBER_ID', description: 'Tenant to remove as member.' },
  ],
  parse: ({ args }) => ({ image: args[0] as string, member: args[1] as string }),
  async run(opts, deps) {
    const client = await deps.glance();
    await deleteMember(client, await resolveImageId(client, opts.image), opts.member);
  },
});
