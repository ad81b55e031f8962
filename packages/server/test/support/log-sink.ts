import { Writable } from 'node:stream';

/** What Baton logs: one JSON object per line, as an operator's log shipper reads them. */
export function logSink() {
  const lines: Record<string, unknown>[] = [];
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      lines.push(
        ...String(chunk)
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      );
      done();
    },
  });
  return { stream, lines, text: () => text };
}
