import { listMembers, type Member } from '../../glance/members.js';
import { resolveImageId } from '../../glance/images.js';
import type { Column } from '../../output/format.js';
import { requireFlag } from '../misc/inputs.js';
import { defineCommand } from '../types.js';

/** glanceclient's member table: Image ID | Member ID | Status. */
export const MEMBER_COLUMNS: Column<Member>[] = [
  { label: 'Image ID', key: 'image_id' },
  { label: 'Member ID', key: 'member_id' },
  { label: 'Status', key: 'status' },
];

export const memberList = defineCommand<{ image: string }>({
  name: 'member-list',
  summary: 'Describe sharing permissions by image.',
  options: [
    { flags: '--image-id <IMAGE_ID>', description: 'Image to display members of (name or ID). Required.', complete: 'images' },
  ],
  examples: ['tsglance member-list --image-id cirros', 'tsglance member-list --image-id cirros -f value -c member_id'],
  parse: ({ flags }) => ({ image: requireFlag(flags, 'imageId', '--image-id') }),
  async run(opts, deps) {
    const client = await deps.glance();
    const members = await listMembers(client, await resolveImageId(client, opts.image));
    await deps.output.list(MEMBER_COLUMNS, members);
  },
});
