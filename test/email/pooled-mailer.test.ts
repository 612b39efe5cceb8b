import net, { type AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { createSmtpMailer } from '../../adapters/mailer';

/** An SMTP server that accepts everything and counts connections and messages. */
async function countingServer() {
  const counts = { connections: 0, messages: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onConnect: (_session, done) => {
      counts.connections++;
      done();
    },
    onData: (stream, _session, done) => {
      stream.resume();
      stream.on('end', () => {
        counts.messages++;
        done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { counts, port, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const mail = (i: number) => ({ to: `customer${i}@test.example`, subject: `mail ${i}`, text: 'hello' });

describe('the SMTP mailer', () => {
  it('reuses its connections: mails sent one after another share one', async () => {
    const server = await countingServer();
    const mailer = createSmtpMailer({ host: '127.0.0.1', port: server.port, from: 'desk@test.example' });
    try {
      for (let i = 0; i < 6; i++) await mailer.send(mail(i));
      await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((i) => mailer.send(mail(10 + i))));
      expect(server.counts.messages).toBe(14);
      // The sequential ones shared one connection; the concurrent ones at most the pool's five.
      expect(server.counts.connections).toBeLessThanOrEqual(5);
    } finally {
      mailer.close?.();
      await server.stop();
    }
  });

  it('ends a send to a server that never greets inside the activity timeout, and refuses sends once closed', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const mailer = createSmtpMailer({ host: '127.0.0.1', port, from: 'desk@test.example' });
    try {
      const started = Date.now();
      await expect(mailer.send(mail(1))).rejects.toThrow();
      // The SMTP activity's start-to-close timeout is 15 s (workflows/claim-activity-options.ts).
      expect(Date.now() - started).toBeLessThan(15_000);
      mailer.close?.();
      await expect(mailer.send(mail(2))).rejects.toThrow(/closed/);
    } finally {
      mailer.close?.();
      silent.close();
    }
  }, 30_000);
});
