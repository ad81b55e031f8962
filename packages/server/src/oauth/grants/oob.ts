import { readParams } from '../params.js';
import type { Grant } from './grant.js';
import { tokenStep } from './native-auth-params.js';

/**
 * `grant_type=oob`: an email code, for an email-code sign-in or (as Entra's docs have it)
 * for the second factor; the continuation token says which.
 */
export const oobGrant: Grant = {
  type: 'oob',
  refuse: (app) =>
    app.challengeTypes.includes('oob') || app.requireMfa ? null : 'This app does not allow email-code sign-in',
  async handle(ctx) {
    const step = tokenStep(ctx);
    const { oob } = readParams(['oob'], ctx.params);
    const flow = await ctx.services.continuations.flowOf(ctx.tenant, ctx.app, step.continuationToken);
    return flow === 'mfa'
      ? ctx.services.secondFactor.verify(ctx.tenant, ctx.app, { ...step, code: oob })
      : ctx.services.nativeSignIn.signInWithCode(ctx.tenant, ctx.app, { ...step, code: oob });
  },
};

/** `grant_type=mfa_oob`: the second factor's code, as MSAL sends it. */
export const mfaOobGrant: Grant = {
  type: 'mfa_oob',
  async handle(ctx) {
    const { oob } = readParams(['oob'], ctx.params);
    return ctx.services.secondFactor.verify(ctx.tenant, ctx.app, { ...tokenStep(ctx), code: oob });
  },
};
