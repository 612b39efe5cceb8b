import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Per-claim and per-confirmation reply addresses: `refunds+<token>@domain`. The token carries the id and an HMAC
 * of it, so it cannot be guessed and needs no table; it is lower case, as some servers fold the local part.
 */
const TAG_LENGTH = 20;

function tag(secret: string, purpose: string, id: string): string {
  return createHmac('sha256', secret).update(`mail-reply:${purpose}:${id}`).digest('hex').slice(0, TAG_LENGTH);
}

function withTag(address: string, token: string): string {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at).split('+')[0];
  return `${local}+${token}${address.slice(at)}`;
}

/** `refunds+c.01jabc….<tag>@pixazo-api.example`: a reply to it belongs to that claim. */
export function claimReplyAddress(secret: string, supportAddress: string, claimId: string): string {
  const ulid = claimId.replace(/^clm_/, '').toLowerCase();
  return withTag(supportAddress, `c.${ulid}.${tag(secret, 'claim', claimId)}`);
}

/** `refunds+k.<mailId>.<tag>@…`: a reply to it confirms that the account holder sent mail `mailId`. */
export function confirmationAddress(secret: string, supportAddress: string, mailId: string): string {
  return withTag(supportAddress, `k.${mailId}.${tag(secret, 'confirm', mailId)}`);
}

export type ReplyToken = { kind: 'claim'; claimId: string } | { kind: 'confirmation'; mailId: string };

function sameTag(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The claim or held mail an address's token names, when its HMAC is right under one of `secrets` (the current one,
 * and earlier ones during a rotation's grace window); null for anything else.
 */
export function readReplyAddress(secrets: string | readonly string[], address: string): ReplyToken | null {
  const local = address.toLowerCase().split('@')[0] ?? '';
  const token = local.split('+')[1];
  const match = token ? /^([ck])\.([0-9a-z]{1,26})\.([0-9a-f]{20})$/.exec(token) : null;
  if (!match) return null;
  const [, kind, id, given] = match as unknown as [string, string, string, string];
  const signedBy = (purpose: string, signed: string) =>
    (typeof secrets === 'string' ? [secrets] : secrets).some((secret) => sameTag(tag(secret, purpose, signed), given));
  if (kind === 'c') {
    const claimId = `clm_${id.toUpperCase()}`;
    return signedBy('claim', claimId) ? { kind: 'claim', claimId } : null;
  }
  return signedBy('confirm', id) ? { kind: 'confirmation', mailId: id } : null;
}

/** The address without its `+tag`: what the policy's support address is compared with. */
export function baseAddress(address: string): string {
  const lower = address.toLowerCase();
  const at = lower.lastIndexOf('@');
  return `${lower.slice(0, at).split('+')[0]}${lower.slice(at)}`;
}
