import type { RequestThrottle } from '../abuse/request-throttle.js';
import { assertThat, BatonError } from '../errors.js';
import type { App, ClientAddress, RequestContext, Tenant } from '../model.js';
import type { Repositories } from '../ports.js';
import { pkceValue } from '../tokens/pkce.js';
import { parseScope } from '../tokens/scopes.js';
import type { ChallengeCodes } from './challenge-codes.js';
import { accountOf, type ContinuationTokens, type FlowName } from './continuation-tokens.js';
import type { NativeSignIn } from './native-sign-in.js';
import type { DeviceHint, SignInCompletion } from './sign-in-completion.js';
import type { CodeIssued, CodeRequest, SignInResult } from './steps.js';

/** The flows a V2 link call can carry on; the link calls name no client, their token does. */
const linkFlows: FlowName[] = ['authorize-challenge', 'sign-in', 'sign-up', 'reset-password', 'mfa', 'register'];

/**
 * Native auth V2's frame (Entra's, shaped like OAuth 2.0 for First-Party Applications):
 * `authorize-challenge` opens a flow for an app, the flows run on the same engine as V1,
 * and a proved sign-in comes back to `authorize-challenge` for an authorization code, which
 * the token endpoint redeems. Only the frame is here; every rule is the flows' own.
 */
export class AuthorizeChallenge {
  constructor(
    private readonly repos: Repositories,
    private readonly continuations: ContinuationTokens,
    private readonly signIn: NativeSignIn,
    private readonly completion: SignInCompletion,
    private readonly codes: ChallengeCodes,
    private readonly throttle: RequestThrottle,
  ) {}

  /**
   * The entry: what the app asks for (scope, and optionally a PKCE challenge and a DPoP
   * key) kept under a continuation token the journeys start from. Each is a stored row, so
   * it counts as starting a flow (the per-address limit).
   */
  async enter(
    tenant: Tenant,
    app: App,
    input: {
      scope: string | undefined;
      codeChallenge: string | undefined;
      codeChallengeMethod: string | undefined;
      dpopJkt: string | null;
      client: ClientAddress;
    },
  ): Promise<string> {
    const scope = parseScope(input.scope);
    if (input.codeChallenge !== undefined) {
      assertThat(
        (input.codeChallengeMethod ?? 'S256') === 'S256',
        'malformed_request',
        'code_challenge_method must be S256',
      );
      assertThat(
        pkceValue.test(input.codeChallenge),
        'malformed_request',
        'code_challenge must be 43-128 characters of base64url',
      );
    }
    await this.throttle.flowStart(tenant.id, input.client);
    const codeRequest: CodeRequest = { scope, codeChallenge: input.codeChallenge ?? null, dpopJkt: input.dpopJkt };
    return this.continuations.issue(tenant, app, 'authorize-challenge', null, { codeRequest });
  }

  /**
   * Starts a journey from an entry token: `start` is the flow's own start, given the request
   * the entry kept; the entry is used up once the start has succeeded (a failed start, an
   * unknown username say, leaves it for a retry). The entry counted as the flow's start
   * against the per-address limit, so a start given a CodeRequest does not count again.
   */
  async begin<T>(
    tenant: Tenant,
    app: App,
    token: string | undefined,
    start: (codeRequest: CodeRequest) => Promise<T>,
  ): Promise<T> {
    const entry = await this.continuations.read<{ codeRequest: CodeRequest }>(
      tenant,
      app,
      ['authorize-challenge'],
      token,
    );
    const started = await start(entry.state.codeRequest);
    if (!(await this.continuations.consume(entry)))
      throw new BatonError('invalid_continuation_token', 'This entry already started a journey');
    return started;
  }

  /** The app a V2 flow's continuation token was issued to: link calls carry no client_id. */
  async appOf(tenant: Tenant, token: string | undefined): Promise<App> {
    const c = await this.continuations.readAnyClient(tenant, linkFlows, token);
    const app = await this.repos.apps.find(tenant.id, c.record.clientId);
    if (!app) throw new BatonError('invalid_continuation_token', 'The app this flow began with no longer exists');
    return app;
  }

  /** The finish: a proved sign-in's continuation token for a single-use authorization code. */
  async finish(
    tenant: Tenant,
    input: { continuationToken: string | undefined; device: DeviceHint; context: RequestContext },
  ): Promise<CodeIssued> {
    const app = await this.appOf(tenant, input.continuationToken);
    const result = await this.signIn.signInWithContinuation(tenant, app, {
      continuationToken: input.continuationToken,
      username: undefined,
      scope: [],
      device: input.device,
      context: input.context,
      into: 'code',
    });
    if (result.kind !== 'authorization_code') throw new Error(`The finish ended in "${result.kind}", not a code`);
    return result;
  }

  /**
   * `grant_type=authorization_code` with a V2 code: null when `code` is not one (the browser's
   * authorization endpoint issued it). The sign-in completes from what the flow proved, so
   * the session, its amr and its audit event are those of any other sign-in.
   */
  async redeem(
    tenant: Tenant,
    app: App,
    input: {
      code: string | undefined;
      codeVerifier: string | undefined;
      device: DeviceHint;
      context: RequestContext;
    },
  ): Promise<SignInResult | null> {
    if (!input.code || !(await this.codes.isOne(input.code))) return null;
    const { continuation, dpopJkt } = await this.codes.redeem(tenant, app, {
      code: input.code,
      codeVerifier: input.codeVerifier,
      dpopJkt: input.device.dpopJkt ?? null,
    });
    const { proofs, capabilities, codeRequest } = continuation.state;
    return this.completion.complete({
      tenant,
      app,
      user: await accountOf(this.repos.users, tenant, continuation),
      proofs,
      capabilities,
      requestedScope: codeRequest.scope,
      device: { ...input.device, dpopJkt },
      context: input.context,
    });
  }
}
