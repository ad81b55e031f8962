import { KeyRing } from '../crypto/signing-keys.js';
import type { MasterKey } from '../crypto/master-key.js';
import { AccountService } from './accounts/account-service.js';
import { AppService } from './apps/app-service.js';
import { AuditLog } from './audit/audit-log.js';
import type { Clock } from './clock.js';
import { ContinuationTokens } from './flows/continuation-tokens.js';
import { NativeSignIn } from './flows/native-sign-in.js';
import { SignInCompletion } from './flows/sign-in-completion.js';
import type { Repositories } from './ports.js';
import { SessionService } from './sessions/session-service.js';
import { TenantService } from './tenants/tenant-service.js';
import { AccessTokenVerifier } from './tokens/access-token-verifier.js';
import { TokenIssuer } from './tokens/token-issuer.js';

export interface ServiceOptions {
  repos: Repositories;
  masterKey: MasterKey;
  clock: Clock;
  publicUrl: string;
}

/** Wires the domain together; the HTTP layer and the CLI both start from here. */
export function createServices({ repos, masterKey, clock, publicUrl }: ServiceOptions) {
  const audit = new AuditLog(repos.audit, clock);
  const keys = new KeyRing(repos.signingKeys, masterKey, clock);
  const tokens = new TokenIssuer(keys, clock, publicUrl);
  const accounts = new AccountService(repos, clock);
  const sessions = new SessionService(repos, audit, clock, masterKey.derive('refresh-successor'));
  const continuations = new ContinuationTokens(repos.continuations, clock);
  const completion = new SignInCompletion(sessions, tokens, audit);
  return {
    clock,
    repos,
    audit,
    keys,
    tokens,
    accounts,
    sessions,
    continuations,
    accessTokens: new AccessTokenVerifier(keys, tokens, sessions, clock),
    tenants: new TenantService(repos, masterKey, clock),
    apps: new AppService(repos, clock),
    nativeSignIn: new NativeSignIn(repos, accounts, continuations, completion, audit),
  };
}

export type Services = ReturnType<typeof createServices>;
