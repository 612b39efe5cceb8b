import libmime from 'libmime';

/** The longest subject kept for display; the raw message keeps the rest. */
const MAX_SUBJECT = 1000;

/**
 * The Subject of a raw message's header block (folded lines joined, RFC 2047 encoded words decoded);
 * null when there is none. Reads only up to the first blank line, so a body line never counts.
 */
export function subjectOfHeaders(head: string): string | null {
  const block = head.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const unfolded = block.replace(/\r?\n[ \t]+/g, ' ');
  const line = /^subject:[ \t]*(.*)$/im.exec(unfolded);
  if (!line) return null;
  let subject: string;
  try {
    // Called on the module's instance: its methods use `this`.
    subject = libmime.decodeWords(line[1]!.trim());
  } catch {
    subject = line[1]!.trim();
  }
  return subject.slice(0, MAX_SUBJECT);
}
