import { randomUUID } from 'node:crypto';
import type { AccountService } from '../accounts/account-service.js';
import { normalizeNewEmail } from '../accounts/account-service.js';
import { assertAttributesValid, missingRequiredAttributes, parseAttributes } from '../accounts/attributes.js';
import type { RequestThrottle } from '../abuse/request-throttle.js';
import type { AuditLog } from '../audit/audit-log.js';
import { hashPassword } from '../credentials/password-hasher.js';
import { assertPasswordAcceptable } from '../credentials/password-policy.js';
import { BatonError } from '../errors.js';
import type { App, ClientAddress, RequestContext, Tenant } from '../model.js';
import type { CodeCheck } from '../otp/code-check.js';
import { maskEmail, type OneTimeCodes } from '../otp/one-time-codes.js';
import type { Continuation, ContinuationTokens } from './continuation-tokens.js';
import type { NativeSignIn } from './native-sign-in.js';
import { codeProof, passwordProof } from './proofs.js';
import {
  cannotContinue,
  type CodeRequest,
  type Continue,
  needs,
  parseCapabilities,
  type SignUpStep,
  type StepResult,
  usableChallengeTypes,
} from './steps.js';

interface SignUpState {
  flowId: string;
  email: string;
  capabilities: string[];
  /** argon2id hash of the chosen password; the password itself is never kept. */
  passwordHash: string | null;
  attributes: Record<string, unknown>;
  verified: boolean;
  stage: 'started' | 'code-sent' | 'password-required' | 'attributes-required';
  /** The authorize-challenge request the flow began with (native auth V2): it ends in a code. */
  codeRequest?: CodeRequest;
}

/**
 * Native-auth sign-up, in the order MSAL's state machine needs: the email code first,
 * then the password if the app makes password accounts and none was given
 * (`credential_required`), then missing required attributes (`attributes_required`).
 * An app whose challenge types include `password` makes password accounts; an app with
 * `oob` alone makes code-only accounts.
 */
export class SignUp {
  constructor(
    private readonly accounts: AccountService,
    private readonly continuations: ContinuationTokens,
    private readonly codes: OneTimeCodes,
    private readonly codeCheck: CodeCheck,
    private readonly signIn: NativeSignIn,
    private readonly throttle: RequestThrottle,
    private readonly audit: AuditLog,
  ) {}

  async start(
    tenant: Tenant,
    app: App,
    input: {
      username: string | undefined;
      password: string | undefined;
      attributes: string | undefined;
      challengeType: string | undefined;
      capabilities: string | undefined;
      client: ClientAddress;
      codeRequest?: CodeRequest;
    },
  ): Promise<StepResult> {
    // A flow begun at authorize-challenge was counted there (the entry is the stored row it limits).
    if (!input.codeRequest) await this.throttle.flowStart(tenant.id, input.client);
    const email = normalizeNewEmail(input.username);
    const offered = usableChallengeTypes(input.challengeType, app);
    if (!offered.includes('oob')) return cannotContinue(input.challengeType, needs('Sign-up', 'oob', app));
    if (input.password !== undefined && !makesPasswordAccounts(app)) {
      throw new BatonError('malformed_request', 'This app creates code-only accounts: sign-up takes no password');
    }
    if (await this.accounts.findByEmail(tenant, email)) throw userExists();
    if (input.password !== undefined) assertPasswordAcceptable(input.password, { email });
    const attributes = parseAttributes(input.attributes);
    assertAttributesValid(app, attributes);
    const state: SignUpState = {
      flowId: randomUUID(),
      email,
      capabilities: parseCapabilities(input.capabilities),
      passwordHash: input.password === undefined ? null : await hashPassword(input.password),
      attributes,
      verified: false,
      stage: 'started',
      ...(input.codeRequest ? { codeRequest: input.codeRequest } : {}),
    };
    return { kind: 'continue', continuationToken: await this.continuations.issue(tenant, app, 'sign-up', null, state) };
  }

  /** Sends (or resends) the email code; after `credential_required`, asks for the password. */
  async challenge(
    tenant: Tenant,
    app: App,
    input: { continuationToken: string | undefined; challengeType: string | undefined },
  ): Promise<StepResult> {
    const c = await this.continuations.read<SignUpState>(tenant, app, ['sign-up'], input.continuationToken);
    const offered = usableChallengeTypes(input.challengeType, app);
    if (c.state.stage === 'password-required') {
      if (!offered.includes('password'))
        return cannotContinue(input.challengeType, needs('This sign-up', 'password', app));
      return { kind: 'continue', challengeType: 'password', continuationToken: await this.next(c, {}) };
    }
    if (c.state.verified)
      throw new BatonError('malformed_request', 'The email address is already verified: continue the sign-up');
    if (!offered.includes('oob')) return cannotContinue(input.challengeType, needs('Sign-up', 'oob', app));
    const sent = await this.codes.send(tenant, c.state.flowId, c.state.email, 'sign-up');
    return {
      kind: 'continue',
      challengeType: 'oob',
      continuationToken: await this.next(c, { stage: 'code-sent' }),
      code: { channel: 'email', targetLabel: maskEmail(c.state.email), ...sent },
    };
  }

  /**
   * `continue` with the code, the password or the attributes. Answers with the next thing
   * missing (`credential_required`, `attributes_required`), or, when nothing is, creates
   * the account and hands over to `grant_type=continuation_token`.
   */
  async continue(
    tenant: Tenant,
    app: App,
    input: {
      continuationToken: string | undefined;
      grantType: string | undefined;
      code: string | undefined;
      password: string | undefined;
      attributes: string | undefined;
      context: RequestContext;
    },
  ): Promise<Continue | SignUpStep> {
    const c = await this.continuations.read<SignUpState>(tenant, app, ['sign-up'], input.continuationToken);
    const state = { ...c.state };
    if (input.grantType === 'oob') {
      if (state.verified) throw new BatonError('malformed_request', 'The email address is already verified');
      await this.codeCheck.require({
        app,
        subject: { tenantId: tenant.id, account: state.email, ip: input.context.ip },
        userId: null,
        flowId: state.flowId,
        code: input.code,
        context: input.context,
        flow: 'sign_up',
      });
      state.verified = true;
    } else if (input.grantType === 'password') {
      if (!state.verified) throw notVerified();
      if (input.password === undefined) throw new BatonError('malformed_request', 'password is required');
      state.passwordHash = await choosePassword(app, state, input.password);
    } else if (input.grantType === 'attributes') {
      if (!state.verified) throw notVerified();
      const attributes = parseAttributes(input.attributes);
      assertAttributesValid(app, attributes);
      state.attributes = { ...state.attributes, ...attributes };
    } else {
      throw new BatonError('malformed_request', 'grant_type must be oob, password or attributes');
    }
    return this.proceed(tenant, app, c, state, input.context);
  }

  /**
   * Native auth V2's `submitAttributes`: the password travels as the attribute `password`,
   * with any others, in one step. Everything is checked before anything is kept, so a weak
   * password or a refused attribute leaves the token as it was for a retry. `email` is the
   * username, never an attribute: sent again unchanged it is ignored.
   */
  async submitAttributes(
    tenant: Tenant,
    app: App,
    input: { continuationToken: string | undefined; attributes: Record<string, unknown>; context: RequestContext },
  ): Promise<Continue | SignUpStep> {
    const c = await this.continuations.read<SignUpState>(tenant, app, ['sign-up'], input.continuationToken);
    if (!c.state.verified) throw notVerified();
    const { password, email, ...attributes } = input.attributes;
    const state = { ...c.state };
    if (email !== undefined && (typeof email !== 'string' || email.trim().toLowerCase() !== state.email))
      throw new BatonError('invalid_attributes', 'email is the username and cannot be changed', {
        attributes: [{ name: 'email' }],
      });
    assertAttributesValid(app, attributes);
    if (password !== undefined) {
      if (typeof password !== 'string')
        throw new BatonError('invalid_attributes', 'password must be a string', { attributes: [{ name: 'password' }] });
      state.passwordHash = await choosePassword(app, state, password);
    }
    state.attributes = { ...state.attributes, ...attributes };
    return this.proceed(tenant, app, c, state, input.context);
  }

  /** What the sign-up still needs, or, when nothing, the account and the hand-over to sign-in. */
  private async proceed(
    tenant: Tenant,
    app: App,
    c: Continuation<SignUpState>,
    state: SignUpState,
    context: RequestContext,
  ): Promise<Continue | SignUpStep> {
    if (makesPasswordAccounts(app) && state.passwordHash === null) {
      return {
        kind: 'credential_required',
        continuationToken: await this.next(c, { ...state, stage: 'password-required' }),
      };
    }
    const missing = missingRequiredAttributes(app, state.attributes);
    if (missing.length) {
      return {
        kind: 'attributes_required',
        continuationToken: await this.next(c, { ...state, stage: 'attributes-required' }),
        attributes: missing,
      };
    }
    if (!(await this.continuations.consume(c)))
      throw new BatonError('invalid_continuation_token', 'The continuation token was already used');
    const displayName = typeof state.attributes.displayName === 'string' ? state.attributes.displayName : undefined;
    const user = await this.accounts.createWithHash(
      tenant,
      { email: state.email, emailVerified: true, displayName, attributes: state.attributes },
      state.passwordHash,
    );
    await this.audit.record(
      {
        tenantId: tenant.id,
        type: 'sign_up.succeeded',
        userId: user.id,
        clientId: app.clientId,
        data: { password: state.passwordHash !== null },
      },
      context,
    );
    const continuationToken = await this.signIn.continueToSignIn(tenant, app, user, {
      // The code verified this address earlier in the flow: registering it as the second factor needs no other (`preverified`).
      flowId: state.flowId,
      capabilities: state.capabilities,
      proofs: [codeProof(user.email, 'sign-up'), ...(state.passwordHash !== null ? [passwordProof] : [])],
      ...(state.codeRequest ? { codeRequest: state.codeRequest } : {}),
    });
    return { kind: 'continue', continuationToken };
  }

  private next(c: Continuation<SignUpState>, changes: Partial<SignUpState>): Promise<string> {
    return this.continuations.next(c, { ...c.state, ...changes });
  }
}

const makesPasswordAccounts = (app: App) => app.challengeTypes.includes('password');

/** The password an account being created will have: only for password accounts, and only one the policy accepts. */
async function choosePassword(app: App, state: SignUpState, password: string): Promise<string> {
  if (!makesPasswordAccounts(app))
    throw new BatonError('malformed_request', 'This app creates code-only accounts: sign-up takes no password');
  assertPasswordAcceptable(password, { email: state.email });
  return hashPassword(password);
}
const userExists = () => new BatonError('user_already_exists', 'An account with this username already exists');
const notVerified = () => new BatonError('step_out_of_order', 'Verify the email address with the code first');
