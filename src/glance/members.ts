/** Image members (sharing): GET/POST /v2/images/{id}/members, GET/PUT/DELETE .../members/{member}. */
import { MEMBER_LIST } from './shapes.js';
import type { GlanceClient } from './client.js';

export interface Member {
  image_id: string;
  member_id: string;
  status: string;
  created_at?: string;
  updated_at?: string;
  schema?: string;
  [key: string]: unknown;
}

export const MEMBER_STATUS_VALUES = ['accepted', 'rejected', 'pending'] as const;

const membersPath = (imageId: string) => `/v2/images/${encodeURIComponent(imageId)}/members`;
const memberPath = (imageId: string, memberId: string) => `${membersPath(imageId)}/${encodeURIComponent(memberId)}`;

export async function listMembers(client: GlanceClient, imageId: string): Promise<Member[]> {
  const body = (await client.json('GET', membersPath(imageId), { shape: MEMBER_LIST })) as { members: Member[] };
  return body.members;
}

export function getMember(client: GlanceClient, imageId: string, memberId: string): Promise<Member> {
  return client.json<Member>('GET', memberPath(imageId, memberId));
}

export function createMember(client: GlanceClient, imageId: string, memberId: string): Promise<Member> {
  return client.json<Member>('POST', membersPath(imageId), { json: { member: memberId } });
}

export function updateMember(client: GlanceClient, imageId: string, memberId: string, status: string): Promise<Member> {
  return client.json<Member>('PUT', memberPath(imageId, memberId), { json: { status } });
}

export async function deleteMember(client: GlanceClient, imageId: string, memberId: string): Promise<void> {
  await client.send('DELETE', memberPath(imageId, memberId));
}
