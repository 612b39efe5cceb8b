import nodemailer from 'nodemailer';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  /** Sends one message and returns the SMTP message id. */
  send(mail: OutgoingMail): Promise<string>;
}

export function createSmtpMailer(smtp: { host: string; port: number; from: string }): Mailer {
  const transport = nodemailer.createTransport({ host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true });
  return {
    async send(mail) {
      const info = await transport.sendMail({ from: smtp.from, ...mail });
      return String(info.messageId);
    },
  };
}
