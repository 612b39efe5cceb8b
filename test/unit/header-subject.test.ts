import MailComposer from 'nodemailer/lib/mail-composer';
import { subjectOfHeaders } from '../../domain/email/header-subject';

const compose = (subject: string | undefined) =>
  new MailComposer({
    from: 'a@customer.example',
    to: 'refunds@pixazo-api.example',
    subject,
    text: 'Subject: not this one',
  })
    .compile()
    .build();

describe('the subject shown in the unprocessable-mail queue', () => {
  it('decodes an encoded, folded subject as nodemailer writes it', async () => {
    const subject = `Rückerstattung für Rechnung INV-42, ${'bitte '.repeat(12)}danke`;
    expect(subjectOfHeaders((await compose(subject)).toString('utf8'))).toBe(subject);
  });

  it('is null without a Subject header, and never reads one from the body', async () => {
    expect(subjectOfHeaders((await compose(undefined)).toString('utf8'))).toBeNull();
  });
});
