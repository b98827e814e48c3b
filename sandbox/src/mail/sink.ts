/**
 * The SMTP sink: the npm package `smtp-server` on loopback, accepting every mail (no TLS, authentication optional, as a
 * local relay would) and keeping it, parsed with `mailparser`, for the inbox page, `runway inbox` and tests.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  readonly messageId: string | null;
  readonly from: string;
  /** The envelope's recipients. */
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly receivedAt: number;
  /** The SMTP session it came in on: mails sent over one pooled connection share it. */
  readonly session: string;
}

export interface MailSink {
  readonly mails: ReceivedMail[];
  /** Connections opened so far. */
  connections(): number;
  listen(port?: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

export function createMailSink(): MailSink {
  const mails: ReceivedMail[] = [];
  let connections = 0;
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    logger: false,
    banner: 'runway sandbox SMTP sink',
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    onAuth(_auth, _session, callback) {
      callback(null, { user: 'sandbox' });
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const headers: Record<string, string> = {};
          for (const [key, value] of parsed.headers) if (typeof value === 'string') headers[key] = value;
          mails.push({
            messageId: parsed.messageId ?? null,
            from: parsed.from?.text ?? '',
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : null,
            headers,
            receivedAt: Date.now(),
            session: session.id,
          });
          callback();
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
    },
  });
  return {
    mails,
    connections: () => connections,
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve((server.server.address() as AddressInfo).port));
      });
    },
    close() {
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
