import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/** The SMTP envelope and connection facts stored beside a message. */
export interface InboundEnvelope {
  mailFrom: string;
  rcptTo: string[];
  remoteAddress: string;
  clientHostname: string;
  helo: string;
}

export interface ReceivedMessage {
  raw: Buffer;
  sha256: string;
  /** Lower-cased, without angle brackets; null when the message has none. */
  messageId: string | null;
  envelope: InboundEnvelope;
}

export interface StoredMessage {
  mailId: string;
  sha256: string;
  duplicate: boolean;
}

/** What the listener needs from the rest of the product; it knows nothing of claims or SQL. */
export interface InboundMailHandlers {
  /** True when mail for this recipient is ours (a policy's support address, with or without a `+tag`). */
  accepts(recipient: string): boolean;
  /** True when this sender sent too much lately; the answer is a temporary failure, so nothing is lost. */
  overRateLimit(sender: string): Promise<boolean>;
  /** Stores the raw message durably; a throw makes the answer 451 and the sending server retries. */
  store(message: ReceivedMessage): Promise<StoredMessage>;
  /** Starts processing after storage; a failure here loses nothing (stored messages are started again at boot). */
  afterStore(stored: StoredMessage): Promise<void>;
  log(event: string, fields: Record<string, unknown>): void;
}

export interface InboundSmtpOptions {
  port: number;
  host: string;
  /** Largest message accepted, in bytes: announced in EHLO SIZE, refused at MAIL FROM SIZE= and after DATA. */
  maxBytes: number;
  /** PEM key and certificate: STARTTLS is offered only when both are given. */
  tls?: { key: Buffer; cert: Buffer };
  banner?: string;
}

export interface InboundSmtpListener {
  port: number;
  close(): Promise<void>;
}

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/** The Message-ID header of a raw message, read from the header block only. */
export function rawMessageId(raw: Buffer): string | null {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end < 0 ? Math.min(raw.length, 256 * 1024) : end).toString('latin1');
  const match = /^message-id:[ \t]*(?:\r?\n[ \t]+)*<([^<>\s]{1,250})>/im.exec(head);
  return match ? match[1]!.toLowerCase() : null;
}

function envelopeOf(session: SMTPServerSession): InboundEnvelope {
  return {
    mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
    rcptTo: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
    remoteAddress: session.remoteAddress,
    clientHostname: session.clientHostname,
    helo: session.hostNameAppearsAs,
  };
}

/**
 * The product's inbound mail server. A message is stored before the answer is 250; when it cannot be stored
 * the answer is 451, so the sending server keeps it and retries.
 */
export async function startInboundSmtp(
  options: InboundSmtpOptions,
  handlers: InboundMailHandlers,
): Promise<InboundSmtpListener> {
  async function deliver(
    message: ReceivedMessage,
    callback: (err?: Error | null, info?: string) => void,
  ): Promise<void> {
    let stored: StoredMessage;
    try {
      stored = await handlers.store(message);
    } catch (err) {
      handlers.log('inbound mail not stored; answered 451', { err, sha256: message.sha256 });
      callback(smtpError(451, '4.3.0 Message could not be stored; try again later'));
      return;
    }
    callback(null, `Stored as ${stored.mailId}${stored.duplicate ? ' (already received)' : ''}`);
    await handlers
      .afterStore(stored)
      .catch((err: unknown) =>
        handlers.log('inbound mail stored; processing not started yet', { err, mailId: stored.mailId }),
      );
  }

  const server = new SMTPServer({
    banner: options.banner ?? 'Refund Desk inbound mail',
    authOptional: true,
    disabledCommands: options.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
    size: options.maxBytes,
    logger: false,
    closeTimeout: 2_000,
    onMailFrom(address, _session, callback) {
      handlers.overRateLimit(address.address).then(
        (limited) =>
          callback(limited ? smtpError(451, '4.7.1 Too many messages from this sender; try again later') : null),
        () => callback(smtpError(451, '4.3.0 Temporary failure; try again later')),
      );
    },
    onRcptTo(address, _session, callback) {
      callback(handlers.accepts(address.address) ? null : smtpError(550, '5.1.1 No such recipient here'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (err: Error) => callback(err));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          callback(smtpError(552, `5.3.4 Message exceeds the fixed limit of ${options.maxBytes} bytes`));
          return;
        }
        const raw = Buffer.concat(chunks);
        const message: ReceivedMessage = {
          raw,
          sha256: createHash('sha256').update(raw).digest('hex'),
          messageId: rawMessageId(raw),
          envelope: envelopeOf(session),
        };
        void deliver(message, callback);
      });
    },
  });

  server.on('error', (err: Error) => handlers.log('inbound smtp error', { err }));
  const port = await new Promise<number>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.server.removeListener('error', reject);
      resolve((server.server.address() as AddressInfo).port);
    });
  });
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
