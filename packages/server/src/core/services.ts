import { DeviceSecrets } from './device-sso/device-secrets.js';
import { NativeSsoExchange } from './device-sso/native-sso-exchange.js';
import { KeyRing } from './keys/key-ring.js';
import type { MasterKey } from '../crypto/master-key.js';
import { AttemptLimiter } from './abuse/attempt-limiter.js';
import { AccountErasure } from './accounts/account-erasure.js';
import { AccountSessions } from './account/account-sessions.js';
import { SignInActivity } from './account/sign-in-activity.js';
import { RequestThrottle, type ThrottleLimits } from './abuse/request-throttle.js';
import { AccountService } from './accounts/account-service.js';
import { UserAdministration } from './accounts/user-administration.js';
import { AppService } from './apps/app-service.js';
import { AuditLog } from './audit/audit-log.js';
import type { Clock } from './clock.js';
import { AuthorizeChallenge } from './flows/authorize-challenge.js';
import { ChallengeCodes } from './flows/challenge-codes.js';
import { ContinuationTokens } from './flows/continuation-tokens.js';
import { SecondFactor } from './flows/mfa.js';
import { NativeSignIn } from './flows/native-sign-in.js';
import { PasswordReset } from './flows/password-reset.js';
import { SignInCompletion } from './flows/sign-in-completion.js';
import { SignUp } from './flows/sign-up.js';
import { CodeCheck } from './otp/code-check.js';
import { OneTimeCodes } from './otp/one-time-codes.js';
import {
  type CountryLookup,
  noCountries,
  noTelemetry,
  type Mailer,
  type Repositories,
  type SmsSender,
  type Telemetry,
} from './ports.js';
import { PolicyGate } from './policy/policy-gate.js';
import { PolicyService } from './policy/policy-service.js';
import { DeviceGraphs } from './sessions/device-graph.js';
import { SessionService } from './sessions/session-service.js';
import { refreshTokenKeysOf } from './sessions/refresh-token-format.js';
import { SessionTransfer } from './handoff/session-transfer.js';
import { defaults } from '../config/defaults.js';
import { DeviceAuthorizations } from './device-authorization/device-authorizations.js';
import { Authorization } from './browser/authorization.js';
import { AuthorizeDecisions } from './browser/authorize-decision.js';
import { BrowserSessions } from './browser/browser-sessions.js';
import { DpopProofVerifier } from './dpop/dpop-proof-verifier.js';
import { ExpiredRecords } from './retention/expired-records.js';
import { TenantService } from './tenants/tenant-service.js';
import { AccessTokenVerifier } from './tokens/access-token-verifier.js';
import { TokenIssuer } from './tokens/token-issuer.js';

export interface ServiceOptions {
  repos: Repositories;
  masterKey: MasterKey;
  clock: Clock;
  publicUrl: string;
  mailer: Mailer;
  /** The SMS gateway; without it there are no phone methods. */
  sms?: SmsSender;
  limits: ThrottleLimits;
  /** Counts domain events for the metrics listener; nothing is counted without it. */
  telemetry?: Telemetry;
  /** Where addresses are, for policies' `request.country`; every address is unknown without it. */
  countries?: CountryLookup;
  /** Seconds a device of the device authorization grant waits between polls at first (RFC 8628 suggests 5). */
  deviceCodeInterval?: number;
}

/** Wires the domain together; the HTTP layer and the CLI both start from here. */
export function createServices({
  repos,
  masterKey,
  clock,
  publicUrl,
  mailer,
  sms,
  limits,
  telemetry = noTelemetry,
  countries = noCountries,
  deviceCodeInterval = defaults.deviceCodeInterval,
}: ServiceOptions) {
  const audit = new AuditLog(repos.audit, clock, telemetry);
  const keys = new KeyRing(repos.signingKeys, masterKey, clock);
  const tokens = new TokenIssuer(keys, clock, publicUrl, new DeviceSecrets(repos));
  const accounts = new AccountService(repos, clock);
  const policies = new PolicyService(repos, audit, clock, countries);
  const policyGate = new PolicyGate(policies, repos, audit, clock, countries, telemetry);
  const sessions = new SessionService(repos, audit, clock, refreshTokenKeysOf(masterKey), policyGate, telemetry);
  const graphs = new DeviceGraphs(repos, clock);
  const continuations = new ContinuationTokens(repos.continuations, clock);
  const accountErasure = new AccountErasure(repos, sessions, audit);
  const sessionTransfer = new SessionTransfer(repos, sessions, audit, clock);
  const browserSessions = new BrowserSessions(repos, sessions, sessionTransfer, audit, clock);
  const challengeCodes = new ChallengeCodes(continuations);
  const completion = new SignInCompletion(
    sessions,
    tokens,
    audit,
    continuations,
    repos.mfaMethods,
    browserSessions,
    challengeCodes,
    policyGate,
  );
  const throttle = new RequestThrottle(repos.requestCounters, clock, limits);
  const codes = new OneTimeCodes(repos.codes, mailer, throttle, clock, masterKey.derive('one-time-code'), sms);
  const limiter = new AttemptLimiter(repos.rateLimits, clock);
  const authorization = new Authorization(repos, sessions, tokens, continuations, throttle, audit, clock);
  const codeCheck = new CodeCheck(codes, limiter, audit);
  const nativeSignIn = new NativeSignIn(
    repos,
    accounts,
    continuations,
    completion,
    codes,
    codeCheck,
    limiter,
    throttle,
    audit,
  );
  return {
    clock,
    repos,
    /** Keys the hosted pages' CSRF tokens. */
    csrfKey: masterKey.derive('csrf'),
    /** Seals what a browser keeps for the server alone (the operator console's credential cookie). */
    cookieSeal: masterKey as Pick<MasterKey, 'encrypt' | 'decrypt'>,
    audit,
    keys,
    tokens,
    accounts,
    accountErasure,
    /** Accounts as administrators manage them (CLI and management API). */
    users: new UserAdministration(repos, accounts, accountErasure, sessions, graphs, audit, clock),
    sessions,
    /** A user's own sessions, for the account API and the hosted account page. */
    accountSessions: new AccountSessions(graphs, sessions),
    /** A user's recent sign-ins, for the account API and the hosted account page. */
    signInActivity: new SignInActivity(repos, graphs, countries),
    continuations,
    accessTokens: new AccessTokenVerifier(keys, tokens, sessions, clock),
    tenants: new TenantService(repos, masterKey, clock, audit),
    policies,
    policyGate,
    apps: new AppService(repos, clock, audit, sessions),
    nativeSignIn,
    authorizeChallenge: new AuthorizeChallenge(
      repos,
      continuations,
      nativeSignIn,
      completion,
      challengeCodes,
      throttle,
    ),
    signUp: new SignUp(accounts, continuations, codes, codeCheck, nativeSignIn, throttle, audit),
    passwordReset: new PasswordReset(
      repos,
      accounts,
      continuations,
      codes,
      codeCheck,
      sessions,
      nativeSignIn,
      throttle,
      audit,
      clock,
    ),
    sessionTransfer,
    nativeSso: new NativeSsoExchange(repos, sessions, keys, tokens, audit, clock),
    deviceAuthorizations: new DeviceAuthorizations(
      repos,
      sessions,
      policyGate,
      limiter,
      audit,
      clock,
      deviceCodeInterval,
    ),
    browserSessions,
    authorization,
    authorizeDecisions: new AuthorizeDecisions(authorization, browserSessions, policyGate),
    dpop: new DpopProofVerifier(repos.dpopProofs, clock),
    secondFactor: new SecondFactor(
      repos,
      continuations,
      codes,
      codeCheck,
      completion,
      nativeSignIn,
      mailer,
      audit,
      clock,
    ),
    expiredRecords: new ExpiredRecords(repos.expiredRecords, clock),
  };
}

export type Services = ReturnType<typeof createServices>;
