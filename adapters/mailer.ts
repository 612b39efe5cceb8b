import nodemailer from 'nodemailer';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** Threading and reply routing (the email channel); absent for plain staff alerts. */
  html?: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  replyTo?: string;
  from?: string;
  headers?: Record<string, string>;
}

export interface Mailer {
  /** Sends one message and returns the SMTP message id. */
  send(mail: OutgoingMail): Promise<string>;
  /** Closes idle connections at once and the others after their message; later sends fail. */
  close?(): void;
}

/** Longest wait on one step of an SMTP exchange (connect, greeting, a silent socket). */
const SMTP_ATTEMPT_TIMEOUT_MS = 10_000;

/**
 * nodemailer waits up to 2 min to connect and 10 min on a silent socket; an attempt must end inside its activity's
 * 15 s timeout, so that the retry, not the stuck attempt, delivers.
 */
const SMTP_CONNECTION = {
  secure: false,
  ignoreTLS: true,
  connectionTimeout: SMTP_ATTEMPT_TIMEOUT_MS,
  greetingTimeout: SMTP_ATTEMPT_TIMEOUT_MS,
  socketTimeout: SMTP_ATTEMPT_TIMEOUT_MS,
};

/**
 * A few connections kept open and reused: a new connection per mail (TCP, greeting, EHLO, QUIT) was most of the
 * worker's SMTP CPU, three times per auto-credited claim. An idle one ends at the socket timeout and reopens on demand.
 */
const SMTP_POOL = { pool: true, maxConnections: 5, maxMessages: 1_000 } as const;

/**
 * A pooled mail also waits in the pool's queue, which no socket timeout covers: the whole send is bounded too, and
 * an aborted one leaves the queue (or closes the connection delivering it).
 */
const SMTP_SEND_TIMEOUT_MS = SMTP_ATTEMPT_TIMEOUT_MS;

export function createSmtpMailer(smtp: { host: string; port: number; from: string }): Mailer {
  const transport = nodemailer.createTransport({ host: smtp.host, port: smtp.port, ...SMTP_CONNECTION, ...SMTP_POOL });
  // A failed send rejects its own promise; an unheard transport 'error' event would end the process.
  transport.on('error', () => undefined);
  return {
    async send(mail) {
      const signal = AbortSignal.timeout(SMTP_SEND_TIMEOUT_MS);
      const info = await transport.sendMail({ ...mail, from: mail.from ?? smtp.from, signal });
      return String(info.messageId);
    },
    close() {
      transport.close();
    },
  };
}
