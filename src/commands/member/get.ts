import { resolveImageId } from '../../glance/images.js';
import { getMember } from '../../glance/members.js';
import { defineCommand } from '../types.js';

export const memberGet = defineCommand<{ image: string; member: string }>({
  name: 'member-get',
  summary: 'Show details of an image member',
  args: [
    { name: 'IMAGE_ID', description: 'Image from which to display member (name or ID).', complete: 'images' },
    { name: 'MEMBER_ID', description: 'Project to display.' },
  ],
  parse: ({ args }) => ({ image: args[0] as string, member: args[1] as string }),
  async run(opts, deps) {
    const client = await deps.glance();
    const member = await getMember(client, await resolveImageId(client, opts.image), opts.member);
    await deps.output.record(member);
  },
});
