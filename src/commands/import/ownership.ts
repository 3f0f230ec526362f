/**
 * Whether a pre-check may speak for the server. Glance checks permission before an image's state,
 * so a refusal tsglance predicts from the image record is only the server's reason when the
 * caller's project owns the image; for anyone else the server answers (a 403 that names the real
 * reason, or whatever an admin is told), and a request it refuses changes nothing.
 */
import type { GlanceClient } from '../../glance/client.js';
import type { Image } from '../../glance/images.js';

export async function callerOwns(client: GlanceClient, image: Pick<Image, 'owner'>): Promise<boolean> {
  if (!image.owner) return false;
  const info = await client.session.tokenInfo().catch(() => undefined);
  return !!info?.projectId && info.projectId === image.owner;
}
