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

export function createSmtpMailer(smtp: { host: string; port: number; from: string }): Mailer {
  const transport = nodemailer.createTransport({ host: smtp.host, port: smtp.port, ...SMTP_CONNECTION });
  return {
    async send(mail) {
      const info = await transport.sendMail({ ...mail, from: mail.from ?? smtp.from });
      return String(info.messageId);
    },
  };
}
