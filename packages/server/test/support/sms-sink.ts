import { createServer, type ServerResponse } from 'node:http';

export interface ReceivedText {
  to: string;
  body: string;
  /** The Authorization header Baton sent. */
  authorization: string | undefined;
  /** Whether the sink accepted it (2xx): a refused or unanswered text never reached the phone. */
  accepted: boolean;
}

/**
 * A local SMS gateway that keeps every text Baton posts to it, so tests read one-time codes
 * the way a user would, from the phone, through Baton's real gateway adapter.
 */
export interface SmsSink {
  url: string;
  /** The bearer secret Baton is configured with. */
  token: string;
  /** Every text Baton posted, accepted or not. */
  texts: ReceivedText[];
  /** The one-time code in the next text to `number`: the only 6-8 digit number in it. */
  nextCode(number: string, options?: { timeoutMs?: number }): Promise<string>;
  /** Answers every text with `status` (a 503, a 422 refusing the number, ...) until `accept()`. */
  answer(status: number): void;
  /** Holds every text unanswered until `accept()`: a gateway that has stopped answering. */
  hang(): void;
  accept(): void;
  close(): Promise<void>;
}

export async function startSmsSink(): Promise<SmsSink> {
  const texts: ReceivedText[] = [];
  const seen = new Map<string, number>();
  let status = 200;
  let hanging = false;
  const held: ServerResponse[] = [];
  const token = 'sms-sink-token';
  const server = createServer((request, response) => {
    let raw = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (raw += chunk));
    request.on('end', () => {
      const { to, body } = JSON.parse(raw) as { to: string; body: string };
      const accepted = !hanging && status >= 200 && status < 300;
      texts.push({ to, body, authorization: request.headers.authorization, accepted });
      if (hanging) return void held.push(response);
      response.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  return {
    url: `http://127.0.0.1:${port}/sms`,
    token,
    texts,
    async nextCode(number, { timeoutMs = 5000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const mine = texts.filter((t) => t.to === number && t.accepted);
        const index = seen.get(number) ?? 0;
        if (mine.length > index) {
          seen.set(number, mine.length);
          const codes = mine[mine.length - 1]!.body.match(/\b\d{6,8}\b/g) ?? [];
          if (codes.length !== 1) throw new Error(`Expected one 6-8 digit number in the text to ${number}`);
          return codes[0]!;
        }
        if (Date.now() > deadline) throw new Error(`No text to ${number} within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    answer(code) {
      status = code;
    },
    hang() {
      hanging = true;
    },
    accept() {
      status = 200;
      hanging = false;
      for (const response of held.splice(0)) response.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of held.splice(0)) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
