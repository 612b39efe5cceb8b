import net from 'node:net';
import nodemailer from 'nodemailer';

/** Where the chaos sender cuts its SMTP session: half-way through DATA, or after the final dot before the reply. */
export type CutPoint = 'mid-data' | 'after-dot';

export interface ClaimMail {
  from: string;
  to: string;
  /** Unique text in the body: finds the stored copies of this message. */
  marker: string;
  raw: string;
}

/** A customer's claim by mail, with its own Message-ID (a retry by the sending server keeps it). */
export function claimMail(from: string, to: string, tag: string, requestIds: string[]): ClaimMail {
  const marker = `chaos-mail-${tag}`;
  const raw = [
    `From: <${from}>`,
    `To: <${to}>`,
    `Subject: Refund for failed calls (${tag})`,
    `Message-ID: <${tag}@chaos.example>`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Two generations failed with 5xx: ${requestIds.join(' and ')}.`,
    // Enough body that "half-way" is well inside DATA.
    ...Array.from({ length: 40 }, (_, i) => `Line ${i} of the customer's account of what happened (${marker}).`),
    '',
  ].join('\r\n');
  return { from, to, marker, raw };
}

/** Reads SMTP replies until one whose last line has the final "NNN " form; resolves with its code. */
function replyReader(socket: net.Socket): () => Promise<number> {
  let buffer = '';
  let waiting: ((code: number) => void) | null = null;
  const tryResolve = () => {
    const lines = buffer.split('\r\n');
    const done = lines.findIndex((l) => /^\d{3} /.test(l));
    if (done < 0 || !waiting) return;
    const code = Number(lines[done]!.slice(0, 3));
    buffer = lines.slice(done + 1).join('\r\n');
    const resolve = waiting;
    waiting = null;
    resolve(code);
  };
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    tryResolve();
  });
  return () =>
    new Promise<number>((resolve, reject) => {
      waiting = resolve;
      socket.once('error', reject);
      tryResolve();
    });
}

/** Opens a session, goes into DATA and cuts the TCP connection at `cut`. Throws if the server refuses a step. */
export async function cutSession(port: number, mail: ClaimMail, cut: CutPoint): Promise<void> {
  const socket = net.connect({ port, host: '127.0.0.1' });
  socket.on('error', () => undefined);
  const reply = replyReader(socket);
  const step = async (line: string | null, want: number) => {
    if (line !== null) socket.write(`${line}\r\n`);
    const code = await reply();
    if (code !== want) throw new Error(`SMTP ${line ?? 'greeting'} answered ${code}, expected ${want}`);
  };
  try {
    await step(null, 220);
    await step('EHLO chaos.example', 250);
    await step(`MAIL FROM:<${mail.from}>`, 250);
    await step(`RCPT TO:<${mail.to}>`, 250);
    await step('DATA', 354);
    if (cut === 'mid-data') {
      socket.write(mail.raw.slice(0, Math.floor(mail.raw.length / 2)));
    } else {
      socket.write(`${mail.raw}\r\n.\r\n`);
    }
    // Let the bytes leave, then drop the connection without QUIT (and, after the dot, without reading the reply).
    await new Promise((r) => socket.write('', () => setTimeout(r, 50)));
  } finally {
    socket.destroy();
  }
}

/** The sending server's retry: the whole message again, same Message-ID; resolves with the server's reply. */
export async function deliver(port: number, mail: ClaimMail): Promise<string> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try {
    const info = await transport.sendMail({ envelope: { from: mail.from, to: [mail.to] }, raw: mail.raw });
    return info.response;
  } finally {
    transport.close();
  }
}
