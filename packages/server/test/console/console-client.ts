import { expect } from 'vitest';
import { formOf, titleOf, WebClient, type Page } from '../web/web-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import type { Config } from '../../src/config/config.js';

export const operatorToken = 'console-operator-token-0123456789abcdefghijklmnop';

/** A test server with the management API (and so the console) on and the operator token set. */
export function startConsoleServer(options: Parameters<typeof startTestServer>[0] = {}, config: Partial<Config> = {}) {
  return startTestServer({ ...options, config: { adminToken: operatorToken, adminApi: true, ...config } });
}

/** A browser on the console: the sign-in page's form, filled one way or the other. */
export async function consoleSignIn(
  t: TestServer,
  fields: { token: string } | { tenant: string; client_id: string; client_secret: string },
): Promise<{ browser: WebClient; answer: Page }> {
  const browser = new WebClient(t.url);
  const page = await browser.get(`${t.url}/admin/sign-in`);
  expect(titleOf(page)).toBe('Sign in to the console');
  const method = 'token' in fields ? 'token' : 'app';
  const form = formOf(page);
  const answer = await browser.post(new URL(form.action, page.url).toString(), { ...form.fields, method, ...fields });
  return { browser, answer };
}
