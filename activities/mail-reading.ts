import { createHash } from 'node:crypto';
import EmailReplyParser from 'email-reply-parser';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { MailAttachment } from '../db/mail';
import { automatedKind, messageIdsIn } from '../domain/email/automated';

/** One stored message as the email channel reads it. */
export interface ReadMail {
  subject: string;
  from: string | null;
  messageId: string | null;
  /** In-Reply-To and References, lower-cased, without brackets. */
  threadIds: string[];
  /** The whole text part (or the HTML turned into text). */
  text: string;
  /** The text without quoted history and signature: what the customer wrote this time. */
  visibleText: string;
  automated: 'bounce' | 'auto_reply' | null;
  attachments: MailAttachment[];
  /** Attachments left out for the limits, named so a person can ask again. */
  skippedAttachments: string[];
  /** Message-IDs a bounce reports about (its returned headers, else its thread headers). */
  bouncedIds: string[];
}

const MAX_TEXT = 200_000;

function headerText(parsed: ParsedMail, name: string): string | undefined {
  const value = parsed.headers.get(name);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && 'value' in value && typeof value.value === 'string') {
    const params =
      'params' in value && value.params
        ? Object.entries(value.params as Record<string, string>)
            .map(([k, v]) => `; ${k}="${v}"`)
            .join('')
        : '';
    return `${value.value}${params}`;
  }
  if (typeof value === 'object' && 'text' in value && typeof value.text === 'string') return value.text;
  return String(value);
}

/** Text left when quoted history and signatures are cut; the whole text when nothing is left. */
export function visiblePart(text: string): string {
  try {
    const visible = new EmailReplyParser().read(text).getVisibleText().trim();
    return visible || text.trim();
  } catch {
    return text.trim();
  }
}

/** Parses a raw message; attachments beyond the limits are named but not kept. */
export async function readMail(
  raw: Buffer,
  envelopeFrom: string,
  limits: { maxAttachments: number; maxAttachmentBytes: number },
): Promise<ReadMail> {
  const parsed = await simpleParser(raw, { skipImageLinks: true, maxHtmlLengthToParse: 2_000_000 });
  const header = (name: string) => headerText(parsed, name);
  const text = (parsed.text ?? (typeof parsed.html === 'string' ? parsed.html.replace(/<[^>]*>/g, ' ') : '')).slice(
    0,
    MAX_TEXT,
  );
  const attachments: MailAttachment[] = [];
  const skippedAttachments: string[] = [];
  const returnedIds: string[] = [];
  for (const a of parsed.attachments) {
    const type = (a.contentType ?? 'application/octet-stream').toLowerCase();
    if (type === 'message/rfc822' || type === 'text/rfc822-headers' || type === 'message/rfc822-headers') {
      const returned = /^message-id:\s*(<[^>]+>)/im.exec(a.content.toString('latin1').slice(0, 64 * 1024));
      if (returned) returnedIds.push(...messageIdsIn(returned[1]));
    }
    if (attachments.length >= limits.maxAttachments || a.size > limits.maxAttachmentBytes) {
      skippedAttachments.push(`${a.filename ?? '(unnamed)'} (${a.size} bytes)`);
      continue;
    }
    attachments.push({
      filename: a.filename ?? null,
      contentType: type,
      size: a.content.length,
      sha256: createHash('sha256').update(a.content).digest('hex'),
      content: a.content,
    });
  }
  const automated = automatedKind(header, envelopeFrom, header('content-type') ?? '');
  const threadIds = [...messageIdsIn(header('in-reply-to')), ...messageIdsIn(header('references'))];
  return {
    subject: (parsed.subject ?? '').slice(0, 1000),
    from: parsed.from?.value[0]?.address?.toLowerCase() || null,
    messageId: parsed.messageId ? (messageIdsIn(parsed.messageId)[0] ?? null) : null,
    threadIds,
    text,
    visibleText: visiblePart(text).slice(0, 20_000),
    automated,
    attachments,
    skippedAttachments,
    bouncedIds: returnedIds.length ? returnedIds : threadIds,
  };
}
