import { connect, type Socket } from 'node:net';

/** An SMTP reply: its code and text (multi-line replies joined). */
export interface SmtpReply {
  code: number;
  text: string;
}

/**
 * A bare SMTP session over a socket, so a message goes out byte for byte as given (a client library would repair
 * line endings and headers): EHLO, MAIL FROM, RCPT TO, DATA with dot-stuffing, and the answer to the final dot.
 */
export async function sendRaw(
  port: number,
  envelope: { from: string; to: string },
  raw: Buffer,
): Promise<{ rcpt: SmtpReply; data: SmtpReply | null }> {
  const socket = connect({ port, host: '127.0.0.1' });
  const replies = replyReader(socket);
  try {
    await replies.next(); // greeting
    const command = async (line: string) => {
      socket.write(`${line}\r\n`);
      return replies.next();
    };
    await command('EHLO fuzz.customer.example');
    await command(`MAIL FROM:<${envelope.from}>`);
    const rcpt = await command(`RCPT TO:<${envelope.to}>`);
    if (rcpt.code !== 250) return { rcpt, data: null };
    const go = await command('DATA');
    if (go.code !== 354) return { rcpt, data: go };
    // Dot-stuffing: a line that starts with "." gets another, so the message cannot end the DATA early.
    const stuffed = Buffer.from(raw.toString('latin1').replace(/(^|\n)\./g, '$1..'), 'latin1');
    const ending = stuffed.length === 0 || stuffed.subarray(-2).toString() === '\r\n' ? '.\r\n' : '\r\n.\r\n';
    socket.write(Buffer.concat([stuffed, Buffer.from(ending)]));
    const data = await replies.next();
    socket.write('QUIT\r\n');
    return { rcpt, data };
  } finally {
    socket.end();
    socket.destroy();
  }
}

/** Reads complete replies off the socket, one per call; a closed connection is a reply with code 0. */
function replyReader(socket: Socket) {
  let buffer = '';
  const waiting: ((r: SmtpReply) => void)[] = [];
  const ready: SmtpReply[] = [];
  const emit = (r: SmtpReply) => (waiting.length ? waiting.shift()!(r) : ready.push(r));
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    for (let m = /^(\d{3}) (.*)\r\n/m.exec(buffer); m; m = /^(\d{3}) (.*)\r\n/m.exec(buffer)) {
      const end = m.index + m[0].length;
      emit({ code: Number(m[1]), text: buffer.slice(0, end).trim() });
      buffer = buffer.slice(end);
    }
  });
  const closed = () => emit({ code: 0, text: 'connection closed' });
  socket.on('close', closed);
  socket.on('error', closed);
  return {
    next: () => new Promise<SmtpReply>((resolve) => (ready.length ? resolve(ready.shift()!) : waiting.push(resolve))),
  };
}
