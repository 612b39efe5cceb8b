/**
 * Local "mail catcher": an SMTP server that accepts every message (no auth
 * required, no TLS), parses it with mailparser and keeps it for inspection —
 * in memory, and as `.eml` files in `dir` when given, so mail survives restarts.
 *
 *   const sink = await startMailSink({ smtpPort: 1025, httpPort: 8025, dir: '.data/mail' });
 *   // point nodemailer at 127.0.0.1:1025, then:
 *   const mail = await sink.waitFor((m) => m.to.includes('alice@example.com'), 5_000);
 *   await sink.stop();
 *
 * Ports may be 0 (random free port); the returned object has the real ones.
 *
 * HTTP (httpPort):
 *   GET    /                     HTML list: every mail readable in place, newest first; a note (no reload) when more arrive
 *   POST   /send                 the form on / : sends a test mail to the inbound listener (when `inbound` is given)
 *   GET    /messages             JSON [{ id, from, to, subject, date, text, ... }] oldest first
 *   GET    /messages/:id         JSON, full message (html, headers, attachment metadata)
 *   GET    /messages/:id/html    the HTML body (sandboxed)
 *   GET    /messages/:id/raw     the .eml source as text in the browser (?download=1 saves it as .eml)
 *   DELETE /messages             forget all messages (and delete the .eml files)
 *   GET    /healthz              "ok"
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';

export interface MailAttachmentInfo {
  filename?: string;
  contentType: string;
  size: number;
}

export interface MailMessage {
  /** Sortable id (also the .eml file name): 20261121T054300123Z-1a2b3c */
  id: string;
  /** When the sink received it (ISO 8601). */
  receivedAt: string;
  /** The From header as text (`Refund Desk <desk@example.com>`), else the envelope sender. */
  from: string;
  /** Envelope recipients (To + Cc + Bcc), lower-cased addresses. */
  to: string[];
  /** The To / Cc headers as text. */
  toHeader: string;
  cc: string;
  subject: string;
  /** The Date header (ISO 8601), else receivedAt. */
  date: string;
  messageId?: string;
  text: string;
  html?: string;
  /** Lower-cased header name -> raw value (last one wins). */
  headers: Record<string, string>;
  attachments: MailAttachmentInfo[];
  /** Size of the raw message in bytes. */
  size: number;
}

/** What GET /messages returns per message. */
export type MailSummary = Pick<
  MailMessage,
  'id' | 'from' | 'to' | 'subject' | 'date' | 'text' | 'receivedAt' | 'messageId'
>;

export interface MailSinkOptions {
  /** SMTP port (default 1025; 0 = random). */
  smtpPort?: number;
  /** HTTP port (default 8025; 0 = random). */
  httpPort?: number;
  /** Bind address (default 127.0.0.1). */
  host?: string;
  /** Directory for .eml files; existing ones are loaded at start. */
  dir?: string;
  /** Called with a one-line note per received message. */
  log?: (line: string) => void;
  /** The product's inbound SMTP listener: the page's form sends test mail there. */
  inbound?: { host: string; port: number; to: string[] };
}

export interface MailSink {
  readonly smtpPort: number;
  readonly httpPort: number;
  readonly host: string;
  /** http://host:httpPort */
  readonly httpUrl: string;
  /** All messages so far, oldest first. */
  messages(): MailMessage[];
  /** First message (already received or arriving within timeoutMs, default 10 s) matching predicate. */
  waitFor(predicate?: (message: MailMessage) => boolean, timeoutMs?: number): Promise<MailMessage>;
  /** Calls listener for each new message; returns an unsubscribe function. */
  onMessage(listener: (message: MailMessage) => void): () => void;
  /** Forget all messages (and delete the .eml files). */
  clear(): Promise<void>;
  stop(): Promise<void>;
}

const ENVELOPE_FROM = 'x-mail-sink-envelope-from';
const ENVELOPE_TO = 'x-mail-sink-envelope-to';
const RECEIVED_AT = 'x-mail-sink-received-at';
const MAX_SIZE = 25 * 1024 * 1024;

function addressText(value: AddressObject | AddressObject[] | undefined): string {
  if (!value) return '';
  return (Array.isArray(value) ? value : [value]).map((a) => a.text).join(', ');
}

function newId(at: Date): string {
  return `${at.toISOString().replace(/[-:.]/g, '')}-${randomBytes(3).toString('hex')}`;
}

function toMessage(id: string, raw: Buffer, parsed: ParsedMail): MailMessage {
  const headers: Record<string, string> = {};
  for (const line of parsed.headerLines) {
    const value = line.line.slice(line.line.indexOf(':') + 1).trim();
    headers[line.key] = value;
  }
  const receivedAt = headers[RECEIVED_AT] || new Date().toISOString();
  const envelopeTo = (headers[ENVELOPE_TO] ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const headerRecipients = [parsed.to, parsed.cc, parsed.bcc]
    .flatMap((v) => (v ? (Array.isArray(v) ? v : [v]) : []))
    .flatMap((a) => a.value.map((e) => (e.address ?? '').toLowerCase()))
    .filter(Boolean);
  return {
    id,
    receivedAt,
    from: addressText(parsed.from) || headers[ENVELOPE_FROM] || '',
    to: envelopeTo.length ? envelopeTo : [...new Set(headerRecipients)],
    toHeader: addressText(parsed.to),
    cc: addressText(parsed.cc),
    subject: parsed.subject ?? '',
    date: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date.toISOString() : receivedAt,
    messageId: parsed.messageId,
    text: parsed.text ?? '',
    html: parsed.html === false ? undefined : parsed.html,
    headers,
    attachments: parsed.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size })),
    size: raw.length,
  };
}

function summary(m: MailMessage): MailSummary {
  return {
    id: m.id,
    from: m.from,
    to: m.to,
    subject: m.subject,
    date: m.date,
    text: m.text,
    receivedAt: m.receivedAt,
    messageId: m.messageId,
  };
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const THREAD_HEADERS = ['message-id', 'in-reply-to', 'references', 'reply-to', 'auto-submitted'] as const;

function mailCard(m: MailMessage): string {
  const thread = THREAD_HEADERS.filter((h) => m.headers[h])
    .map((h) => `<div><b>${h}:</b> ${escapeHtml(m.headers[h]!)}</div>`)
    .join('');
  return `<article>
<h2>${escapeHtml(m.subject || '(no subject)')}</h2>
<div class="meta">${escapeHtml(m.date)} · from ${escapeHtml(m.from)} · to ${escapeHtml(m.to.join(', '))}
 · <a href="/messages/${m.id}">json</a>${m.html ? ` · <a href="/messages/${m.id}/html">html</a>` : ''} · <a href="/messages/${m.id}/raw">source</a></div>
${thread ? `<div class="thread">${thread}</div>` : ''}
<pre>${escapeHtml(m.text)}</pre>
</article>`;
}

function sendForm(inbound: MailSinkOptions['inbound']): string {
  if (!inbound) return '';
  const to = inbound.to.map((a) => `<option>${escapeHtml(a)}</option>`).join('');
  return `<form method="post" action="/send"><fieldset><legend>Send a test mail to the inbound listener (${escapeHtml(inbound.host)}:${inbound.port})</legend>
<label>From <input name="from" value="dev@pixazo-customer.example" size="32"></label>
<label>To <input name="to" list="support" value="${escapeHtml(inbound.to[0] ?? '')}" size="40"><datalist id="support">${to}</datalist></label><br>
<label>Subject <input name="subject" value="Refund for failed calls" size="60"></label><br>
<textarea name="text" rows="4" cols="90">Two calls failed with 5xx: req_acct_pixazo_demo_5xx_1 and req_acct_pixazo_demo_5xx_2.</textarea><br>
<button>Send</button></fieldset></form>`;
}

function listPage(messages: MailMessage[], inbound: MailSinkOptions['inbound']): string {
  const cards = [...messages].reverse().map(mailCard).join('\n');
  // New mail shows a note to reload instead of refreshing the page under the reader.
  const watch = `<script>const seen=${messages.length};setInterval(async()=>{const n=(await (await fetch('/messages')).json()).length;if(n>seen)document.getElementById('more').hidden=false;},3000);</script>`;
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Refund Desk mail sink</title>
<style>body{font:14px system-ui,sans-serif;margin:1.5rem;max-width:70rem}article{border-bottom:1px solid #ddd;padding:.5rem 0}h2{font-size:1.05rem;margin:.2rem 0}.meta,.thread{color:#555;font-size:12px}.thread{font-family:monospace;margin:.3rem 0}pre{white-space:pre-wrap;margin:.5rem 0;background:#f7f7f7;padding:.5rem}#more{background:#ffd;padding:.3rem}</style>
</head><body>
<h1>Mail sink <small>(${messages.length} message${messages.length === 1 ? '' : 's'})</small></h1>
<p id="more" hidden>New mail arrived: <a href="/">reload</a></p>
<p>Everything sent to the local SMTP port lands here, newest first. JSON: <a href="/messages">/messages</a></p>
${sendForm(inbound)}
${cards || '<p>No mail yet.</p>'}
${watch}
</body></html>`;
}

async function formFields(req: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function listen(server: http.Server | SMTPServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const net = server instanceof SMTPServer ? server.server : server;
    const onError = (err: Error): void => reject(err);
    net.once('error', onError);
    net.listen(port, host, () => {
      net.removeListener('error', onError);
      resolve((net.address() as AddressInfo).port);
    });
  });
}

export async function startMailSink(options: MailSinkOptions = {}): Promise<MailSink> {
  const host = options.host ?? '127.0.0.1';
  const dir = options.dir ? path.resolve(options.dir) : undefined;
  const log = options.log ?? ((): void => {});
  const store: MailMessage[] = [];
  const byId = new Map<string, { message: MailMessage; raw: Buffer }>();
  const listeners = new Set<(message: MailMessage) => void>();

  const add = (message: MailMessage, raw: Buffer): void => {
    store.push(message);
    byId.set(message.id, { message, raw });
    for (const listener of [...listeners]) listener(message);
  };

  if (dir) {
    await fsp.mkdir(dir, { recursive: true });
    const files = (await fsp.readdir(dir)).filter((f) => f.endsWith('.eml')).sort();
    for (const file of files) {
      try {
        const raw = await fsp.readFile(path.join(dir, file));
        add(toMessage(file.slice(0, -4), raw, await simpleParser(raw)), raw);
      } catch (err) {
        log(`[mail] skipping unreadable ${file}: ${(err as Error).message}`);
      }
    }
  }

  const receive = async (original: Buffer, envelopeFrom: string, envelopeTo: string[]): Promise<MailMessage> => {
    const at = new Date();
    const id = newId(at);
    const trace = `${ENVELOPE_FROM}: ${envelopeFrom}\r\n${ENVELOPE_TO}: ${envelopeTo.join(', ')}\r\n${RECEIVED_AT}: ${at.toISOString()}\r\n`;
    const raw = Buffer.concat([Buffer.from(trace), original]);
    const message = toMessage(id, raw, await simpleParser(raw));
    if (dir) {
      const file = path.join(dir, `${id}.eml`);
      await fsp.writeFile(`${file}.tmp`, raw);
      await fsp.rename(`${file}.tmp`, file);
    }
    add(message, raw);
    log(`[mail] ${message.from} -> ${message.to.join(', ')}: ${message.subject}`);
    return message;
  };

  const smtp = new SMTPServer({
    banner: 'Refund Desk mail sink',
    authOptional: true, // any AUTH is accepted; none is required
    allowInsecureAuth: true,
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? 'anonymous' }),
    disabledCommands: ['STARTTLS'],
    size: MAX_SIZE,
    logger: false,
    closeTimeout: 2_000,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (err: Error) => callback(err));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          callback(Object.assign(new Error('Message exceeds the size limit'), { responseCode: 552 }));
          return;
        }
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        receive(Buffer.concat(chunks), from, to).then(
          (m) => callback(null, `Queued as ${m.id}`),
          (err: Error) => callback(err),
        );
      });
    },
  });
  smtp.on('error', (err: Error) => log(`[mail] smtp error: ${err.message}`));

  const sendJson = (res: http.ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body, null, 2));
  };
  const httpServer = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const parts = url.pathname.split('/').filter(Boolean);
    const method = req.method ?? 'GET';
    if (method === 'GET' && parts.length === 0) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(listPage(store, options.inbound));
    } else if (method === 'POST' && url.pathname === '/send' && options.inbound) {
      const inbound = options.inbound;
      formFields(req)
        .then((f) =>
          nodemailer
            .createTransport({ host: inbound.host, port: inbound.port, secure: false, ignoreTLS: true })
            .sendMail({
              from: f.get('from') ?? '',
              to: f.get('to') ?? '',
              subject: f.get('subject') ?? '',
              text: f.get('text') ?? '',
            }),
        )
        .then(
          (info) => {
            res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
            res.end(
              `<p>The listener answered: <code>${escapeHtml(info.response)}</code></p><p><a href="/">back</a></p>`,
            );
          },
          (err: Error) => {
            res.writeHead(502, { 'content-type': 'text/html; charset=utf-8' });
            res.end(
              `<p>The listener refused it: <code>${escapeHtml(err.message)}</code></p><p><a href="/">back</a></p>`,
            );
          },
        );
    } else if (method === 'GET' && url.pathname === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    } else if (parts[0] === 'messages' && parts.length === 1 && method === 'GET') {
      sendJson(res, 200, store.map(summary));
    } else if (parts[0] === 'messages' && parts.length === 1 && method === 'DELETE') {
      sink.clear().then(
        () => sendJson(res, 200, { deleted: true }),
        (err: Error) => sendJson(res, 500, { error: err.message }),
      );
    } else if (parts[0] === 'messages' && parts.length >= 2 && method === 'GET') {
      const entry = byId.get(parts[1] ?? '');
      if (!entry) {
        sendJson(res, 404, { error: 'no such message' });
      } else if (parts.length === 2) {
        sendJson(res, 200, entry.message);
      } else if (parts[2] === 'raw' && parts.length === 3) {
        // Readable in the browser; ?download=1 saves the .eml instead.
        const download = url.searchParams.get('download') === '1';
        res.writeHead(
          200,
          download
            ? {
                'content-type': 'message/rfc822',
                'content-disposition': `attachment; filename="${entry.message.id}.eml"`,
              }
            : { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
        );
        res.end(entry.raw);
      } else if (parts[2] === 'html' && parts.length === 3 && entry.message.html) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': 'sandbox' });
        res.end(entry.message.html);
      } else {
        sendJson(res, 404, { error: 'not found' });
      }
    } else {
      sendJson(res, 404, { error: 'not found' });
    }
  });

  const smtpPort = await listen(smtp, options.smtpPort ?? 1025, host);
  let httpPort: number;
  try {
    httpPort = await listen(httpServer, options.httpPort ?? 8025, host);
  } catch (err) {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    throw err;
  }

  let stopping: Promise<void> | undefined;
  const sink: MailSink = {
    smtpPort,
    httpPort,
    host,
    httpUrl: `http://${host}:${httpPort}`,
    messages: () => [...store],
    waitFor(predicate = () => true, timeoutMs = 10_000) {
      const found = store.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise<MailMessage>((resolve, reject) => {
        const timer = setTimeout(() => {
          unsubscribe();
          const seen = store.map((m) => `"${m.subject}" -> ${m.to.join(', ')}`).join('; ') || 'none';
          reject(new Error(`mail sink: no matching message within ${timeoutMs} ms (received: ${seen})`));
        }, timeoutMs);
        const unsubscribe = sink.onMessage((m) => {
          if (!predicate(m)) return;
          clearTimeout(timer);
          unsubscribe();
          resolve(m);
        });
      });
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    async clear() {
      const ids = store.map((m) => m.id);
      store.length = 0;
      byId.clear();
      if (dir) await Promise.all(ids.map((id) => fsp.rm(path.join(dir, `${id}.eml`), { force: true })));
    },
    stop() {
      stopping ??= Promise.all([
        new Promise<void>((resolve) => smtp.close(() => resolve())),
        new Promise<void>((resolve) => {
          httpServer.close(() => resolve());
          httpServer.closeAllConnections();
        }),
      ]).then(() => undefined);
      return stopping;
    },
  };
  return sink;
}
