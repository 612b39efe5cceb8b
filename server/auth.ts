import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Actor } from '../common/claim';
import type { Queryable } from '../db';
import { findStaffKey, saveStaffKey } from '../db/staff-keys';
import { verifyClaimToken, type ClaimTokenKeys } from './claim-token';
import { HttpError } from './errors';

export const STAFF_ROLES = ['agent', 'lead', 'finance', 'admin', 'operator'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface StaffPrincipal {
  kind: 'staff';
  name: string;
  role: StaffRole;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** RFC 6750's b64token after exactly `Bearer ` (scheme case-insensitive); anything else is no credential. */
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i;

/** The presented credential: a well-formed bearer token, else X-Api-Key; a malformed Authorization header is refused. */
export function bearer(req: Request): string | undefined {
  const header = req.get('authorization');
  if (header !== undefined) {
    const match = BEARER.exec(header);
    if (!match) throw new HttpError(401, 'malformed Authorization header; expected "Bearer <token>"');
    return match[1];
  }
  const apiKey = req.get('x-api-key');
  return apiKey && /^[\x21-\x7e]{1,512}$/.test(apiKey) ? apiKey : undefined;
}

export async function findStaff(db: Queryable, key: string | undefined): Promise<StaffPrincipal | undefined> {
  if (!key) return undefined;
  const row = await findStaffKey(db, hashKey(key));
  return row && { kind: 'staff', name: row.name, role: row.role as StaffRole };
}

/** Loads the keys named in configuration (`role:name:key`), so a deployment needs no SQL to add staff. */
export async function registerStaffKeys(
  db: Queryable,
  keys: readonly { role: string; name: string; key: string }[],
): Promise<void> {
  for (const k of keys) await saveStaffKey(db, { keyHash: hashKey(k.key), name: k.name, role: k.role });
}

export function staffActor(staff: StaffPrincipal): Actor {
  return { type: 'staff', id: `${staff.role}:${staff.name}` };
}

/** Admits staff keys whose role may take this action; any other valid key gets 403. */
export function requireStaff(db: Queryable, roles: readonly StaffRole[]): RequestHandler {
  return async (req, res, next) => {
    const staff = await findStaff(db, bearer(req));
    if (!staff) throw new HttpError(401, 'a staff API key is required (Authorization: Bearer <key>)');
    if (!roles.includes(staff.role))
      throw new HttpError(403, `role ${staff.role} may not do this; allowed: ${roles.join(', ')}`);
    res.locals.staff = staff;
    next();
  };
}

/** A claim is visible to its customer (claim token) or to any staff key. */
export async function claimViewer(
  db: Queryable,
  keys: string | ClaimTokenKeys,
  req: Request,
  claimId: string,
): Promise<StaffPrincipal | { kind: 'customer' }> {
  const presented = bearer(req);
  if (!presented) throw new HttpError(401, 'present the claim token or a staff key as a bearer token');
  if (presented.startsWith('ct_')) {
    if (await verifyClaimToken(db, keys, claimId, presented)) return { kind: 'customer' };
    throw new HttpError(404, 'no such claim for this token');
  }
  const staff = await findStaff(db, presented);
  if (!staff) throw new HttpError(401, 'unknown key');
  return staff;
}

/** The claim's own customer only: a valid, unexpired, unrevoked claim token; anything else is 404. */
export async function requireClaimToken(
  db: Queryable,
  keys: string | ClaimTokenKeys,
  req: Request,
  claimId: string,
): Promise<void> {
  const presented = bearer(req);
  if (!presented || !(await verifyClaimToken(db, keys, claimId, presented)))
    throw new HttpError(404, 'no such claim for this token');
}
