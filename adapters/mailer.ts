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

export function createSmtpMailer(smtp: { host: string; port: number; from: string }): Mailer {
  const transport = nodemailer.createTransport({ host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true });
  return {
    async send(mail) {
      const info = await transport.sendMail({ ...mail, from: mail.from ?? smtp.from });
      return String(info.messageId);
    },
  };
}
