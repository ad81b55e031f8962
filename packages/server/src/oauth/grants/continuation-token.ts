import { readParams } from '../params.js';
import type { Grant } from './grant.js';
import { tokenStep } from './native-auth-params.js';

/** `grant_type=continuation_token`: sign-in after sign-up, password reset or method registration. */
export const continuationTokenGrant: Grant = {
  type: 'continuation_token',
  async handle(ctx) {
    const { username } = readParams(['username'], ctx.params);
    return ctx.services.nativeSignIn.signInWithContinuation(ctx.tenant, ctx.app, { ...tokenStep(ctx), username });
  },
};
