/** Lower-cased header name → value, as a mail parser gives them. */
export type HeaderLookup = (name: string) => string | undefined;

/** Why a mail is machine-sent and must never be answered, or null for a person's mail. */
export function automatedKind(
  header: HeaderLookup,
  envelopeFrom: string,
  contentType: string,
): 'bounce' | 'auto_reply' | null {
  const type = contentType.toLowerCase();
  const from = (header('from') ?? '').toLowerCase();
  if (type.startsWith('multipart/report') && /report-type="?(delivery-status|disposition-notification)/.test(type))
    return 'bounce';
  if (envelopeFrom === '' || /\b(mailer-daemon|postmaster)@/.test(from)) return 'bounce';
  const autoSubmitted = (header('auto-submitted') ?? 'no').trim().toLowerCase();
  if (autoSubmitted !== 'no') return 'auto_reply';
  if (header('x-autoreply') !== undefined || header('x-autorespond') !== undefined) return 'auto_reply';
  if (/^(bulk|junk|list|auto_reply)$/.test((header('precedence') ?? '').trim().toLowerCase())) return 'auto_reply';
  if (header('list-id') !== undefined || header('list-unsubscribe') !== undefined) return 'auto_reply';
  return null;
}

/** Every Message-ID in a header value such as References: `<a@x> <b@y>` → ['a@x', 'b@y'], lower-cased. */
export function messageIdsIn(value: string | undefined): string[] {
  if (!value) return [];
  return [...value.matchAll(/<([^<>\s]{1,250})>/g)].map((m) => m[1]!.toLowerCase());
}
