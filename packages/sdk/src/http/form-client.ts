import { BatonSdkError } from '../errors.js';
import type { Platform } from '../platform.js';

export type Params = Record<string, string | undefined>;

/** A JSON answer: `ok` for 2xx, with the parsed body either way. */
export type Answer =
  | { ok: true; status: number; body: Record<string, unknown> }
  | { ok: false; status: number; body: Record<string, unknown> };

/**
 * POSTs form-encoded parameters (or sends a GET or DELETE) under the tenant base URL and reads the JSON answer.
 * `client_id` goes first, as Microsoft's clients send it. Only a failure to reach the
 * server or a non-JSON body throws (`network`); error answers are returned for the
 * caller to interpret, because some of them are flow steps.
 */
export class FormClient {
  constructor(
    readonly baseUrl: string,
    readonly clientId: string,
    private readonly platform: Platform,
  ) {}

  url(path: string): string {
    return `${this.baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  }

  async post(path: string, params: Params, headers: Record<string, string> = {}): Promise<Answer> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries({ client_id: this.clientId, ...params })) if (v !== undefined) body.set(k, v);
    return this.send(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: body.toString(),
    });
  }

  /** A request without a body (GET, DELETE) to a resource under the tenant base URL, answered in JSON. */
  request(method: 'GET' | 'DELETE', path: string, headers: Record<string, string> = {}): Promise<Answer> {
    return this.send(path, { method, headers });
  }

  private async send(path: string, init: RequestInit): Promise<Answer> {
    let response: Response;
    try {
      response = await this.platform.fetch(this.url(path), init);
    } catch (cause) {
      throw new BatonSdkError('network', `Could not reach ${this.url(path)}`, { cause });
    }
    const text = await response.text().catch(() => '');
    if (text === '' && response.ok) return { ok: true, status: response.status, body: {} };
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (cause) {
      throw new BatonSdkError('network', `${this.url(path)} answered ${response.status} without JSON`, {
        status: response.status,
        cause,
      });
    }
    if (typeof parsed !== 'object' || parsed === null)
      throw new BatonSdkError('invalid_response', `${this.url(path)} answered a JSON value that is not an object`);
    return { ok: response.ok, status: response.status, body: parsed as Record<string, unknown> };
  }
}
