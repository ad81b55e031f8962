import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { App } from '../../src/core/model.js';
import { postForm, type HttpResult } from '../support/http.js';
import type { TestServer } from '../support/test-server.js';

export interface Pkce {
  verifier: string;
  challenge: string;
}

export function newPkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** A web app registered for the code flow, with the redirect URI tests use. */
export async function registerWebApp(
  t: TestServer,
  input: Parameters<TestServer['registerApp']>[0] = {},
): Promise<App> {
  const { app } = await t.registerApp({
    name: 'Web shop',
    redirectUris: ['https://shop.example/callback'],
    postLogoutRedirectUris: ['https://shop.example/bye'],
    ...input,
  });
  return app;
}

/** An authorization request for `app`; `params` override or (with undefined) remove any parameter. */
export function authorizeUrl(
  t: TestServer,
  app: App,
  pkce: Pkce,
  params: Record<string, string | undefined> = {},
): string {
  const all: Record<string, string | undefined> = {
    client_id: app.clientId,
    redirect_uri: app.redirectUris[0],
    response_type: 'code',
    scope: 'openid profile offline_access',
    state: 'state-123',
    nonce: 'nonce-456',
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
    ...params,
  };
  const url = new URL(`${t.base}/oauth2/v2.0/authorize`);
  for (const [k, v] of Object.entries(all)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

export interface Page {
  /** The address this page was answered from: its forms' relative actions resolve against it. */
  url: string;
  status: number;
  headers: Headers;
  /** Where a redirect goes, resolved. */
  location: string | null;
  html: string;
  /** The Set-Cookie headers of this answer, whole. */
  setCookies: string[];
}

export interface Form {
  action: string;
  fields: Record<string, string>;
}

/**
 * A browser as far as the hosted pages care: a cookie jar (name, path, value), redirects
 * not followed (the test looks at each), and forms read from the HTML and posted back.
 */
export class WebClient {
  private readonly cookies = new Map<string, { value: string; path: string }>();

  constructor(private readonly origin: string) {}

  async get(url: string, headers: Record<string, string> = {}): Promise<Page> {
    return this.read(await fetch(url, { redirect: 'manual', headers: { ...this.cookieHeader(url), ...headers } }));
  }

  async post(
    url: string,
    fields: Record<string, string | undefined>,
    options: { cookies?: boolean } = {},
  ): Promise<Page> {
    const body = new URLSearchParams(
      Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined),
    ).toString();
    return this.read(
      await fetch(new URL(url, this.origin), {
        method: 'POST',
        redirect: 'manual',
        body,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(options.cookies === false ? {} : this.cookieHeader(new URL(url, this.origin).toString())),
        },
      }),
    );
  }

  /** Posts the page's form named by its action (its only main form when omitted), with `values` over its hidden fields. */
  submit(page: Page, values: Record<string, string | undefined> = {}, action?: string): Promise<Page> {
    const form = formOf(page, action);
    return this.post(new URL(form.action, page.url).toString(), { ...form.fields, ...values });
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name)?.value;
  }

  setCookie(name: string, value: string, path: string): void {
    this.cookies.set(name, { value, path });
  }

  dropCookie(name: string): void {
    this.cookies.delete(name);
  }

  private cookieHeader(url: string): Record<string, string> {
    const path = new URL(url).pathname;
    const within = (c: { path: string }) =>
      path === c.path || path.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`);
    const sent = [...this.cookies].filter(([, c]) => within(c)).map(([name, c]) => `${name}=${c.value}`);
    return sent.length ? { cookie: sent.join('; ') } : {};
  }

  private async read(response: Response): Promise<Page> {
    const setCookies = response.headers.getSetCookie();
    for (const header of setCookies) {
      const [pair = '', ...attributes] = header.split(';').map((s) => s.trim());
      const name = pair.slice(0, pair.indexOf('='));
      const value = decodeURIComponent(pair.slice(pair.indexOf('=') + 1));
      const path = attributes.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      const expired =
        attributes.some((a) => /^expires=/i.test(a) && Date.parse(a.slice(8)) < Date.now()) ||
        attributes.some((a) => /^max-age=0$/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, { value, path });
    }
    const location = response.headers.get('location');
    return {
      url: response.url,
      status: response.status,
      headers: response.headers,
      location: location ? new URL(location, response.url).toString() : null,
      html: await response.text(),
      setCookies,
    };
  }
}

/** The forms of a page: action and hidden fields (the inputs a test fills in are its own business). */
export function formsOf(page: Page): Form[] {
  return [...page.html.matchAll(/<form method="post" action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)].map(
    ([, action, body]) => ({
      action: unescapeHtml(action!),
      fields: Object.fromEntries(
        [...body!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(([, k, v]) => [
          k!,
          unescapeHtml(v!),
        ]),
      ),
    }),
  );
}

export function formOf(page: Page, action?: string): Form {
  const forms = formsOf(page);
  const form = action ? forms.find((f) => f.action.endsWith(action)) : forms[0];
  if (!form)
    throw new Error(
      `No form${action ? ` posting to ${action}` : ''} on the page (status ${page.status}): ${page.html.slice(0, 400)}`,
    );
  return form;
}

/** The page's <h1>, which names the step. */
export function titleOf(page: Page): string {
  return unescapeHtml(/<h1>([^<]*)<\/h1>/.exec(page.html)?.[1] ?? '');
}

/** Text of the element with this id (an error next to a field, say). */
export function textById(page: Page, id: string): string | undefined {
  const match = new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(page.html);
  return match ? unescapeHtml(match[1]!) : undefined;
}

const unescapeHtml = (html: string) =>
  html.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&');

/** The query of a redirect back to the app. */
export function redirectParams(page: Page): Record<string, string> {
  expect(page.status, page.html.slice(0, 400)).toBe(303);
  return Object.fromEntries(new URL(page.location!).searchParams);
}

/** Signs in through the hosted pages with a password; answers the redirect back to the app (303 with a code). */
export async function hostedPasswordSignIn(
  browser: WebClient,
  startUrl: string,
  email: string,
  password: string,
): Promise<Page> {
  const identify = await browser.get(startUrl);
  expect(identify.status, identify.html.slice(0, 400)).toBe(200);
  const passwordPage = await browser.submit(identify, { email }, '/login/identify');
  expect(titleOf(passwordPage)).toBe('Enter your password');
  return browser.submit(passwordPage, { password }, '/login/password');
}

/** The code grant at the token endpoint. */
export function exchangeCode(
  t: TestServer,
  app: App,
  code: string,
  verifier: string,
  params: Record<string, string | undefined> = {},
): Promise<HttpResult> {
  return postForm(`${t.base}/oauth2/v2.0/token`, {
    grant_type: 'authorization_code',
    client_id: app.clientId,
    code,
    redirect_uri: app.redirectUris[0],
    code_verifier: verifier,
    ...params,
  });
}
