import { createHmac, timingSafeEqual } from 'node:crypto';
import { decodeTime } from 'ulid';

/**
 * The keys behind customer claim tokens: the current secret signs, previous secrets (a rotation) are still
 * accepted until `previousUntil`, and every token stops working `lifetimeMs` after it was issued.
 */
export interface ClaimTokenKeys {
  current: string;
  previous: readonly string[];
  previousUntil: Date | null;
  lifetimeMs: number;
}

/** 90 days: longer than any claim's review, payout and information-request deadlines; each mail carries a fresh link. */
export const DEFAULT_TOKEN_LIFETIME_MS = 90 * 86_400_000;

/** Tokens signed a little in the future (clock skew between API and worker) are still taken. */
const SKEW_MS = 5 * 60_000;

/** Accepts a bare secret too, so code that only mints tokens needs nothing but the current secret. */
export function tokenKeys(keys: string | ClaimTokenKeys): ClaimTokenKeys {
  return typeof keys === 'string'
    ? { current: keys, previous: [], previousUntil: null, lifetimeMs: DEFAULT_TOKEN_LIFETIME_MS }
    : keys;
}

function mac(secret: string, message: string): string {
  return createHmac('sha256', secret).update(message).digest('base64url');
}

/**
 * The customer's secret for one claim: `ct_<issued at, ms base36>_<HMAC of claim id and issue time>`
 * (only word characters and `-`, so mail clients link and select it whole).
 * Nothing secret is stored; the issue time lets it expire and lets a revocation refuse every earlier token.
 */
export function claimToken(keys: string | ClaimTokenKeys, claimId: string, issuedAt: Date = new Date()): string {
  const iat = issuedAt.getTime().toString(36);
  return `ct_${iat}_${mac(tokenKeys(keys).current, `${claimId}.${iat}`)}`;
}

/**
 * The token handed out at intake, issued when the claim id was minted (a ULID carries that instant), so an
 * idempotent resubmission answers with the very same token.
 */
export function submissionToken(keys: string | ClaimTokenKeys, claimId: string): string {
  return claimToken(keys, claimId, new Date(decodeTime(claimId.replace(/^clm_/, ''))));
}

/** Why a token was refused; `issuedAt` null marks a token from before expiry existed (HMAC of the claim id only). */
export type TokenReading =
  | { ok: true; issuedAt: Date | null; signedWith: 'current' | 'previous' }
  | { ok: false; why: 'malformed' | 'signature' | 'expired' };

// The issue time has no `_`, and an old token is exactly 43 characters: the two forms cannot be confused.
const TOKEN = /^ct_(?:([0-9a-z]{1,11})_)?([A-Za-z0-9_-]{43})$/;

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  // Lengths of HMAC outputs are public; the bytes are compared in constant time.
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Checks format, signature (current secret, or a previous one inside its grace window) and lifetime. */
export function readClaimToken(
  keys: string | ClaimTokenKeys,
  claimId: string,
  presented: string,
  now: Date = new Date(),
): TokenReading {
  const k = tokenKeys(keys);
  const match = TOKEN.exec(presented);
  if (!match) return { ok: false, why: 'malformed' };
  const [, iat, signature] = match as unknown as [string, string | undefined, string];
  const message = iat === undefined ? claimId : `${claimId}.${iat}`;
  const inGrace = k.previousUntil !== null && now.getTime() < k.previousUntil.getTime();
  // Every accepted secret is tried, so the time taken does not tell which one matched.
  let signedWith: 'current' | 'previous' | null = sameText(mac(k.current, message), signature) ? 'current' : null;
  for (const old of k.previous) {
    if (sameText(mac(old, message), signature) && inGrace && !signedWith) signedWith = 'previous';
  }
  if (!signedWith) return { ok: false, why: 'signature' };
  if (iat === undefined) return { ok: true, issuedAt: null, signedWith };
  const issuedAt = new Date(parseInt(iat, 36));
  if (issuedAt.getTime() > now.getTime() + SKEW_MS) return { ok: false, why: 'malformed' };
  if (now.getTime() - issuedAt.getTime() > k.lifetimeMs) return { ok: false, why: 'expired' };
  return { ok: true, issuedAt, signedWith };
}

/** Signature and lifetime only (no revocation check, which needs the database; see server/claim-token.ts). */
export function isClaimToken(keys: string | ClaimTokenKeys, claimId: string, presented: string): boolean {
  return readClaimToken(keys, claimId, presented).ok;
}
