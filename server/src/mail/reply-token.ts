import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Reply addresses: `reply+<notification id, 32 hex>.<signature, 24 hex>@<domain>`. The signature
 * is the first 96 bits of HMAC-SHA256(secret, "reply:" + id), so only a server holding the secret
 * can mint one, and one address names one notification (hence one user and one task). Lower-case
 * hex survives mail systems that fold the case of local parts; the local part stays within the
 * 64 characters SMTP allows (6 + 32 + 1 + 24 = 63).
 */
const PREFIX = 'reply+';

function signature(secret: string, id: string): string {
  return createHmac('sha256', secret).update(`reply:${id}`).digest('hex').slice(0, 24);
}

/** The reply address of one notification. */
export function replyAddress(secret: string, domain: string, notificationId: string): string {
  const id = notificationId.replaceAll('-', '').toLowerCase();
  return `${PREFIX}${id}.${signature(secret, id)}@${domain}`;
}

/**
 * The notification id a reply address names, or null when the address is not one of ours or its
 * signature is wrong (forged, altered, or signed with another secret). Compared in constant time.
 */
export function verifyReplyAddress(secret: string, address: string): string | null {
  const local = address.trim().toLowerCase().split('@')[0] ?? '';
  const match = /^reply\+([0-9a-f]{32})\.([0-9a-f]{24})$/.exec(local);
  if (!match) return null;
  const [, id = '', given = ''] = match;
  const expected = Buffer.from(signature(secret, id));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  return `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
}
