import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import { normalizeNewEmail } from '../accounts/account-service.js';
import { BatonError } from '../errors.js';
import type { App, CodeChannel, MfaMethod, RequestContext, Tenant } from '../model.js';
import type { CodeCheck } from '../otp/code-check.js';
import { maskEmail, type OneTimeCodes } from '../otp/one-time-codes.js';
import { maskPhoneNumber, normalizePhoneNumber } from '../otp/phone-number.js';
import type { Mailer, Repositories } from '../ports.js';
import { accountOf, type Continuation, type ContinuationTokens } from './continuation-tokens.js';
import type { NativeSignIn, TokenStepInput } from './native-sign-in.js';
import { codeProof, provedSoFar, provesMethodAddress } from './proofs.js';
import type { SecondFactorState, SignInCompletion } from './sign-in-completion.js';
import {
  assertEnding,
  cannotContinue,
  needs,
  usableChallengeTypes,
  type SignInResult,
  type StepResult,
} from './steps.js';

/** A method a code can go to, as `introspect` and register/introspect list it. */
export interface MethodView {
  id: string;
  channel: CodeChannel;
  /**
   * The address or number as the user is shown it: masked for a registered method, in full
   * as the sign-in address to register, empty for a phone to register (any number).
   */
  label: string;
}

interface MfaState extends SecondFactorState {
  /** The method a code was last sent to. */
  methodId?: string;
}

interface RegistrationState extends SecondFactorState {
  stage?: 'code-sent' | 'verified';
  target?: string;
  /** How the code went to `target`; email when a flow begun before SMS methods left it out. */
  channel?: CodeChannel;
}

/**
 * The second factor: `mfa_required` leads here (introspect, challenge by method id,
 * `grant_type=mfa_oob`), and so does `registration_required` (register/introspect,
 * challenge, continue), where the code that verifies a new method is also the second
 * factor. Each step adds what it proved to the flow; `SignInCompletion` judges the whole.
 */
export class SecondFactor {
  constructor(
    private readonly repos: Repositories,
    private readonly continuations: ContinuationTokens,
    private readonly codes: OneTimeCodes,
    private readonly codeCheck: CodeCheck,
    private readonly completion: SignInCompletion,
    private readonly signIn: NativeSignIn,
    private readonly mailer: Mailer,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async introspect(
    tenant: Tenant,
    app: App,
    token: string | undefined,
  ): Promise<{ continuationToken: string; methods: MethodView[] }> {
    const c = await this.continuations.read<MfaState>(tenant, app, ['mfa'], token);
    const methods = await this.repos.mfaMethods.list(await this.userId(c));
    return { continuationToken: await this.continuations.next(c, c.state), methods: methods.map(view) };
  }

  /** Sends a code to the registered method `id`. */
  async challenge(
    tenant: Tenant,
    app: App,
    input: { continuationToken: string | undefined; challengeType: string | undefined; methodId: string | undefined },
  ): Promise<StepResult> {
    const c = await this.continuations.read<MfaState>(tenant, app, ['mfa'], input.continuationToken);
    if (!usableChallengeTypes(input.challengeType, app).includes('oob'))
      return cannotContinue(input.challengeType, needs('Multi-factor authentication', 'oob', app));
    const methods = await this.repos.mfaMethods.list(await this.userId(c));
    const method = input.methodId ? methods.find((m) => m.id === input.methodId) : undefined;
    if (!method) throw new BatonError('unknown_method', 'id must name one of the methods introspect returned');
    const sent = await this.codes.send(tenant, c.state.flowId, method.target, 'mfa', method.type);
    return {
      kind: 'continue',
      challengeType: 'oob',
      continuationToken: await this.continuations.next(c, { ...c.state, methodId: method.id }),
      code: { channel: method.type, targetLabel: masked(method.type, method.target), ...sent },
    };
  }

  /** `grant_type=mfa_oob` (or `oob` on an MFA continuation token): the code, then tokens. */
  async verify(tenant: Tenant, app: App, input: TokenStepInput & { code: string | undefined }): Promise<SignInResult> {
    const c = await this.continuations.read<MfaState>(tenant, app, ['mfa'], input.continuationToken);
    const user = await accountOf(this.repos.users, tenant, c);
    const method = (await this.repos.mfaMethods.list(user.id)).find((m) => m.id === c.state.methodId);
    if (!method)
      throw new BatonError('step_out_of_order', 'No code was sent to a method in this sign-in: challenge one first');
    await this.codeCheck.require({
      app,
      subject: { tenantId: tenant.id, account: user.id, ip: input.context.ip },
      userId: user.id,
      flowId: c.state.flowId,
      code: input.code,
      context: input.context,
      flow: 'mfa',
    });
    assertEnding(c.state, input.into);
    if (!(await this.continuations.consume(c)))
      throw new BatonError('invalid_continuation_token', 'The continuation token was already used');
    await this.audit.record(
      { tenantId: tenant.id, type: 'mfa.succeeded', userId: user.id, clientId: app.clientId },
      input.context,
    );
    return this.completion.complete({
      tenant,
      app,
      user,
      proofs: [...provedSoFar(c.state), codeProof(method.target, 'second-factor')],
      capabilities: c.state.capabilities,
      requestedScope: input.scope,
      device: input.device,
      context: input.context,
      ...(input.into ? { into: input.into } : {}),
      ...(c.state.codeRequest ? { codeRequest: c.state.codeRequest } : {}),
    });
  }

  /**
   * register/introspect: the kinds of method the user can register: the sign-in address, and
   * a phone by SMS where a gateway is configured and the app takes another target than the
   * sign-in address (`any-address`): a phone is never the sign-in address.
   */
  async registrationMethods(
    tenant: Tenant,
    app: App,
    token: string | undefined,
  ): Promise<{ continuationToken: string; methods: MethodView[] }> {
    const c = await this.continuations.read<RegistrationState>(tenant, app, ['register'], token);
    const user = await accountOf(this.repos.users, tenant, c);
    return {
      continuationToken: await this.continuations.next(c, c.state),
      methods: [
        { id: 'email', channel: 'email', label: user.email },
        ...(this.registersPhones(app) ? [{ id: 'sms', channel: 'sms' as const, label: '' }] : []),
      ],
    };
  }

  /**
   * register/challenge: the address to register. It must be the account's sign-in address
   * unless the app takes any address (`mfaRegistration`), so the password alone cannot
   * plant another mailbox. An address a code already proved in this flow (the one sign-up
   * verified) is `preverified`, unless the client has no such step (`codeAlways`: native
   * auth V2 always activates with a code); any other gets a code, the sign-in address included.
   * A phone number (`channel: sms`) is registrable only where `registrationMethods` lists it,
   * and always gets a code by SMS.
   */
  async registrationChallenge(
    tenant: Tenant,
    app: App,
    input: {
      continuationToken: string | undefined;
      challengeType: string | undefined;
      target: string | undefined;
      channel: string | undefined;
      codeAlways?: boolean;
    },
  ): Promise<StepResult> {
    const c = await this.continuations.read<RegistrationState>(tenant, app, ['register'], input.continuationToken);
    if (input.challengeType !== undefined && input.challengeType !== 'oob')
      throw new BatonError(
        'unsupported_method_type',
        'Only methods that take a code (oob: email or SMS) can be registered',
      );
    const channel = registrationChannel(input.channel);
    if (channel === 'sms' && !this.codes.delivers('sms'))
      throw new BatonError('unsupported_channel', 'SMS methods need an SMS gateway, and none is configured');
    const user = await accountOf(this.repos.users, tenant, c);
    const target = channel === 'sms' ? normalizePhoneNumber(input.target) : normalizeTarget(input.target);
    if (target !== user.email && app.mfaRegistration !== 'any-address') {
      throw new BatonError(
        'method_target_not_allowed',
        "This app registers only the account's sign-in address as a verification method: register that address",
      );
    }
    if (channel === 'email' && !input.codeAlways && provesMethodAddress(provedSoFar(c.state), target)) {
      return {
        kind: 'continue',
        challengeType: 'preverified',
        continuationToken: await this.continuations.next(c, { ...c.state, stage: 'verified', target }),
      };
    }
    const sent = await this.codes.send(tenant, c.state.flowId, target, 'register', channel);
    return {
      kind: 'continue',
      challengeType: 'oob',
      continuationToken: await this.continuations.next(c, { ...c.state, stage: 'code-sent', target, channel }),
      code: { channel, target, ...sent },
    };
  }

  /**
   * Sends a registration's code again, to the address it went to: native auth V2's `resend`
   * link names no address. Within the resend interval the code already sent stands.
   */
  async registrationResend(tenant: Tenant, app: App, token: string | undefined): Promise<StepResult> {
    const c = await this.continuations.read<RegistrationState>(tenant, app, ['register'], token);
    const target = c.state.target;
    if (c.state.stage !== 'code-sent' || !target)
      throw new BatonError('step_out_of_order', 'No code was sent in this registration: enroll an address first');
    const channel = c.state.channel ?? 'email';
    const sent = await this.codes.send(tenant, c.state.flowId, target, 'register', channel);
    return {
      kind: 'continue',
      challengeType: 'oob',
      continuationToken: await this.continuations.next(c, c.state),
      code: { channel, target, ...sent },
    };
  }

  /**
   * register/continue: the code (or nothing, after `preverified`); the method is stored and
   * the sign-in goes on. Another address than the sign-in address is stored only once the
   * sign-in address has been told, so a method planted with a stolen password is noticed.
   */
  async registrationContinue(
    tenant: Tenant,
    app: App,
    input: {
      continuationToken: string | undefined;
      grantType: string | undefined;
      code: string | undefined;
      context: RequestContext;
    },
  ): Promise<string> {
    const c = await this.continuations.read<RegistrationState>(tenant, app, ['register'], input.continuationToken);
    const user = await accountOf(this.repos.users, tenant, c);
    let target = c.state.target;
    let proofs = provedSoFar(c.state);
    if (input.grantType === 'continuation_token') {
      if (c.state.stage !== 'verified')
        throw new BatonError('step_out_of_order', 'The method is not verified yet: send the code');
    } else if (input.grantType === 'oob') {
      if (c.state.stage !== 'code-sent')
        throw new BatonError('step_out_of_order', 'No code was sent in this registration');
      target = await this.codeCheck.require({
        app,
        subject: { tenantId: tenant.id, account: user.id, ip: input.context.ip },
        userId: user.id,
        flowId: c.state.flowId,
        code: input.code,
        context: input.context,
        flow: 'registration',
      });
      proofs = [...proofs, codeProof(target, 'second-factor')];
    } else {
      throw new BatonError('malformed_request', 'grant_type must be oob or continuation_token');
    }
    if (!target || !(await this.continuations.consume(c)))
      throw new BatonError('invalid_continuation_token', 'The continuation token was already used');
    const type = c.state.channel ?? 'email';
    if (target !== user.email)
      await this.mailer.sendMethodAdded({
        to: user.email,
        method: masked(type, target),
        senderName: tenant.displayName,
      });
    await this.repos.mfaMethods.add({
      id: randomUUID(),
      tenantId: tenant.id,
      userId: user.id,
      type,
      target,
      createdAt: this.clock.now(),
    });
    await this.audit.record(
      {
        tenantId: tenant.id,
        type: 'mfa.method_registered',
        userId: user.id,
        clientId: app.clientId,
        data: { type, target: masked(type, target) },
      },
      input.context,
    );
    return this.signIn.continueToSignIn(tenant, app, user, {
      flowId: c.state.flowId,
      capabilities: c.state.capabilities,
      proofs,
      ...(c.state.codeRequest ? { codeRequest: c.state.codeRequest } : {}),
    });
  }

  /** Whether codes can go to phones: an SMS gateway is configured. */
  textsCodes(): boolean {
    return this.codes.delivers('sms');
  }

  private registersPhones(app: App): boolean {
    return this.codes.delivers('sms') && app.mfaRegistration === 'any-address';
  }

  private async userId(c: Continuation<unknown>): Promise<string> {
    if (!c.record.userId) throw new BatonError('invalid_continuation_token', 'The continuation token names no account');
    return c.record.userId;
  }
}

function view(m: MfaMethod): MethodView {
  return { id: m.id, channel: m.type, label: masked(m.type, m.target) };
}

/** A method's target as it is shown where the user is not proved yet: masked. */
const masked = (channel: CodeChannel, target: string): string =>
  channel === 'sms' ? maskPhoneNumber(target) : maskEmail(target);

/** The channel a registration asks for: email unless it says `sms`. */
function registrationChannel(channel: string | undefined): CodeChannel {
  if (channel === undefined || channel === 'email' || channel === 'sms') return channel ?? 'email';
  throw new BatonError('unsupported_channel', 'Only the email and sms channels can be registered');
}

function normalizeTarget(value: string | undefined): string {
  try {
    return normalizeNewEmail(value);
  } catch {
    throw new BatonError('invalid_method_target', 'The address to register must be an email address');
  }
}
