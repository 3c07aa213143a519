import { simpleParser } from 'mailparser';
import { EventEmitter, once } from 'node:events';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
}

/**
 * A real SMTP server on loopback (smtp-server, any login accepted, no TLS)
 * that parses what it receives (mailparser). `SMTP_URL` for the app is `url`;
 * `next()` resolves with the next mail to arrive (or one already waiting).
 */
export interface TestSmtp {
  url: string;
  received: ReceivedMail[];
  next(to?: string): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export async function startTestSmtp(): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const taken = new Set<ReceivedMail>();
  const arrivals = new EventEmitter();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const to = (Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));
          const parsed: ReceivedMail = { to, subject: mail.subject ?? '', text: mail.text ?? '' };
          received.push(parsed);
          arrivals.emit('mail', parsed);
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const matches = (mail: ReceivedMail, to?: string) => !taken.has(mail) && (!to || mail.to.includes(to));
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    async next(to) {
      for (;;) {
        const waiting = received.find((m) => matches(m, to));
        if (waiting) {
          taken.add(waiting);
          return waiting;
        }
        await once(arrivals, 'mail');
      }
    },
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
