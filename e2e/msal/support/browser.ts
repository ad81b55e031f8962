import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';

const executablePath = '/usr/bin/chromium';

/** Headless Debian Chromium, quiet: no background traffic, no QUIC, no first-run work. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium is not installed at ${executablePath}: run \`apt-get install -y chromium\` (as root) to run the browser tests`,
    );
  }
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface AuthMethod {
  id: string;
  challenge_type: string;
  challenge_channel: string;
  login_hint?: string;
}

/** An error as the app sees it: MSAL's errorData and every `is...()` check that answers true. */
export interface ErrorSummary {
  error: string;
  description?: string;
  codes?: number[];
  subError?: string;
  attributes?: Array<{ name: string }>;
  /** V2: the code nested in `error.innerError`, e.g. `invalidUserNameOrPassword`. */
  innerErrorCode?: string;
  /** V2: `error.innerError.details`, e.g. `[{code: 'attributeValidationFailed', attributeIds: ['password']}]`. */
  attributeValidationDetails?: Array<{ code?: string; attributeIds?: string[] }>;
  checks: string[];
}

/** V2: a method a state offers, to choose (`id`, `hint`) or to register (`channels`). */
export interface MethodV2 {
  type: string;
  id?: string;
  hint?: string;
  channels?: string[];
}

/** V2: an attribute sign-up asks for. */
export interface AttributeV2 {
  attributeId: string;
  type?: string;
  required?: boolean;
}

export interface AccountSummary {
  username: string;
  homeAccountId: string;
  name?: string;
  idTokenClaims?: Record<string, unknown>;
}

/** One result of a flow call: the state the app lands in and what it can read from it. */
export interface StepSummary {
  /** Names the state for later calls (retries reuse it). */
  stateId: number;
  state?: string;
  /** V2: the flow the result belongs to (`signIn`, `signUp`, `passwordReset`). */
  scenario?: string;
  /** The `is...()` checks of the result that answer true, e.g. `isCodeRequired`. */
  checks: string[];
  details: {
    codeLength?: number;
    codeResendInterval?: number;
    authMethods?: AuthMethod[];
    requiredAttributes?: Array<{ name: string; type?: string; required?: boolean }>;
    sentTo?: string;
    channel?: string;
    methods?: MethodV2[];
    attributes?: AttributeV2[];
    requestedPasswordAttribute?: AttributeV2;
  };
  error?: ErrorSummary;
  account?: AccountSummary;
}

export interface TokenSummary {
  checks: string[];
  accessToken?: string;
  idToken?: string;
  scopes?: string[];
  fromCache?: boolean;
  error?: ErrorSummary;
}

export interface WireCall {
  method: string;
  url: string;
  /** Null until the response arrives, and for requests that failed. */
  status: number | null;
  body: string | null;
}

/**
 * The MSAL custom-auth client in one fresh browser context (its own sessionStorage), on
 * the test page. Every call runs page code in `harness.js`; every request the page makes
 * is recorded in `wire`.
 */
export class MsalPage {
  readonly wire: WireCall[] = [];

  private constructor(
    private readonly context: BrowserContext,
    private readonly page: Page,
  ) {}

  static async open(browser: Browser, pageOrigin: string, config: Record<string, unknown>): Promise<MsalPage> {
    const context = await browser.newContext();
    const page = await context.newPage();
    const client = new MsalPage(context, page);
    // Recorded as the request leaves, so it is listed before the page call that made it returns.
    const calls = new Map<Request, WireCall>();
    page.on('request', (request) => {
      const call: WireCall = { method: request.method(), url: request.url(), status: null, body: request.postData() };
      calls.set(request, call);
      client.wire.push(call);
    });
    page.on('response', (response) => {
      const call = calls.get(response.request());
      if (call) call.status = response.status();
    });
    await page.goto(`${pageOrigin}/`);
    await client.call('create', config);
    return client;
  }

  start(
    method: 'signUp' | 'signIn' | 'resetPassword' | 'signUpV2' | 'signInV2' | 'resetPasswordV2',
    input: Record<string, unknown>,
  ): Promise<StepSummary> {
    return this.call('start', method, input);
  }

  /** Calls `method` on the state a summary named, e.g. a retry of `submitCode` on the same state. */
  step(on: StepSummary, method: string, ...args: unknown[]): Promise<StepSummary> {
    return this.call('step', on.stateId, method, ...args);
  }

  registerMethod(on: StepSummary, verificationContact: string): Promise<StepSummary> {
    return this.call('registerMethod', on.stateId, verificationContact);
  }

  /** V2: chooses the method of `type` for an MFA challenge, or registers it with `verificationContact`. */
  selectAuthMethod(on: StepSummary, type: string, verificationContact?: string): Promise<StepSummary> {
    return this.call('selectAuthMethod', on.stateId, type, verificationContact);
  }

  requestMfaCode(on: StepSummary): Promise<StepSummary> {
    return this.call('requestMfaCode', on.stateId);
  }

  currentAccount(): Promise<{ checks: string[]; account: AccountSummary | null; error?: ErrorSummary }> {
    return this.call('currentAccount');
  }

  accessToken(request: { forceRefresh?: boolean; scopes?: string[] } = {}): Promise<TokenSummary> {
    return this.call('accessToken', request);
  }

  signOut(): Promise<{ checks: string[]; error?: ErrorSummary }> {
    return this.call('signOut');
  }

  cachedRefreshTokens(): Promise<string[]> {
    return this.call('cachedRefreshTokens');
  }

  close(): Promise<void> {
    return this.context.close();
  }

  private call<T>(name: string, ...args: unknown[]): Promise<T> {
    // Runs in the page: `harness` is the global harness.js defines.
    return this.page.evaluate(
      ({ name, args }) =>
        (globalThis as unknown as { harness: Record<string, (...a: unknown[]) => T> }).harness[name]!(...args),
      { name, args },
    );
  }
}
