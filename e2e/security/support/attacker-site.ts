import { createServer, type Server } from 'node:http';
import { freePort } from '../../../packages/server/test/support/free-port.js';

export interface AttackerSite {
  /** Another origin than Baton's and the web apps': same host, another port. */
  origin: string;
  /**
   * Publishes a page at `path` that sends the browser, at once and with no click, to
   * `action` with `fields` (a form submitted by script, as a malicious page would).
   */
  publish(path: string, form: { method: 'GET' | 'POST'; action: string; fields?: Record<string, string> }): string;
  close(): Promise<void>;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

/** A tiny site of the attacker's, on 127.0.0.1 at its own port: each page auto-submits one form. */
export async function startAttackerSite(): Promise<AttackerSite> {
  const pages = new Map<string, string>();
  const server: Server = createServer((request, response) => {
    const page = pages.get(new URL(request.url ?? '/', 'http://x').pathname);
    response.writeHead(page ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' }).end(page ?? 'not found');
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    publish(path, form) {
      const inputs = Object.entries(form.fields ?? {})
        .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
        .join('');
      pages.set(
        path,
        `<!doctype html><title>You won a prize</title><form id="f" method="${form.method}" action="${escapeHtml(form.action)}">${inputs}</form>
<script>document.getElementById('f').submit()</script>`,
      );
      return `${origin}${path}`;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
