/** Staff roles as actor ids spell them (`lead:jane`); kept in step with STAFF_ROLES in server/auth.ts. */
const STAFF_ID = /\b(agent|lead|finance|admin|operator):[^\s:,;()]+/g;

/**
 * Text for a customer: who on staff acted is the desk's business, so `lead:jane` reads `lead`. Known actor ids are
 * replaced whole first, so a name with spaces in it goes too.
 */
export function withoutStaffNames(text: string, knownActorIds: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const id of knownActorIds) {
    const role = id?.split(':')[0];
    if (id && role && id.includes(':')) out = out.split(id).join(role);
  }
  return out.replace(STAFF_ID, '$1');
}
