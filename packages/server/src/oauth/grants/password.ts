import { readParams } from '../params.js';
import type { Grant } from './grant.js';
import { tokenStep } from './native-auth-params.js';

/** Native-auth password sign-in: `continuation_token` from `/challenge` plus the password. */
export const passwordGrant: Grant = {
  type: 'password',
  refuse: (app) => (app.challengeTypes.includes('password') ? null : 'This app does not allow password sign-in'),
  async handle(ctx) {
    const p = readParams(['password'], ctx.params);
    return ctx.services.nativeSignIn.signInWithPassword(ctx.tenant, ctx.app, {
      ...tokenStep(ctx),
      password: p.password,
    });
  },
};
