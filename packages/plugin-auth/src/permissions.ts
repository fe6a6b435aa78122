import type { AccessDecision, ImageAccessRequest, ListRequest } from '@visor/plugin-api';
import type { MemberStore } from './member-store.js';
import { MEMBERS_TABLE } from './schema.js';

const READS = new Set(['read', 'download']);

/**
 * The authorizeImage tap. Public images: every caller may read and download.
 * Private: owner, members, admins. Changes (update, upload, delete, sharing):
 * owner and admins. Others get 404 for what they may not see and 403 for what
 * they see but may not change. In-process calls (no request) are trusted.
 */
export function imageAuthorizer(members: MemberStore) {
  return async ({ action, image, context }: ImageAccessRequest): Promise<AccessDecision> => {
    if (context.request === undefined) return 'allow';
    const who = context.principal;
    if (who?.role === 'admin' || (who !== null && image.owner === who.id)) return 'allow';
    const member = who !== null && image.access === 'private' && (await members.isMember(image.id, who.id));
    const visible = image.access === 'public' || member;
    if (!visible) return 'hide';
    return READS.has(action) ? 'allow' : 'deny';
  };
}

/** The beforeList tap: lists show public images, the caller's own and those shared with them (admins: all). */
export function listConstraint(list: ListRequest): ListRequest {
  const who = list.context.principal;
  if (list.context.request === undefined || who?.role === 'admin') return list;
  list.constraints.push((query) =>
    query.where((w) => {
      w.where('images.access', 'public');
      if (who !== null) {
        w.orWhere('images.owner', who.id);
        w.orWhereIn('images.id', (sub) => sub.select(`${MEMBERS_TABLE}.image_id`).from(MEMBERS_TABLE).where(`${MEMBERS_TABLE}.access_key`, who.id));
      }
    }),
  );
  return list;
}
