import { UsageError } from '../../errors.js';
import { resolveImageId } from '../../glance/images.js';
import { MEMBER_STATUS_VALUES, updateMember } from '../../glance/members.js';
import { defineCommand } from '../types.js';
import { MEMBER_COLUMNS } from './list.js';

export const memberUpdate = defineCommand<{ image: string; member: string; status: string }>({
  name: 'member-update',
  summary: 'Update the status of a member for a given image.',
  args: [
    { name: 'IMAGE_ID', description: 'Image from which to update member (name or ID).', complete: 'images' },
    { name: 'MEMBER_ID', description: 'Tenant to update.' },
    {
      name: 'MEMBER_STATUS',
      description: `Updated status of member. Valid Values: ${MEMBER_STATUS_VALUES.join(', ')}`,
      complete: { values: MEMBER_STATUS_VALUES },
    },
  ],
  examples: ['tsglance member-update cirros $OS_PROJECT_ID accepted'],
  parse({ args }) {
    const status = args[2] as string;
    if (!(MEMBER_STATUS_VALUES as readonly string[]).includes(status)) {
      throw new UsageError(
        `argument <MEMBER_STATUS>: invalid choice: '${status}' (choose from ${MEMBER_STATUS_VALUES.map((v) => `'${v}'`).join(', ')})`,
      );
    }
    return { image: args[0] as string, member: args[1] as string, status };
  },
  async run(opts, deps) {
    const client = await deps.glance();
    const member = await updateMember(client, await resolveImageId(client, opts.image), opts.member, opts.status);
    await deps.output.list(MEMBER_COLUMNS, [member]);
  },
});
