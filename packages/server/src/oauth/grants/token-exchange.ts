import { grantTypes, tokenTypes } from '@baton/protocol';
import { BatonError } from '../../core/errors.js';
import { readParams } from '../params.js';
import type { Grant } from './grant.js';
import { nativeSsoExchange } from './native-sso-exchange.js';

/**
 * RFC 8693 token exchange, told apart by the subject's token type:
 * - a refresh token for a session transfer token (the phone asks; nothing is rotated);
 * - a session transfer token for tokens of a new child session (the companion redeems,
 *   with a DPoP proof: its refresh token then works only with that key);
 * - an ID token, with the device secret as actor, for tokens of a new session of a sibling
 *   app on the same device (OpenID Connect Native SSO 1.0, core/device-sso).
 */
export const tokenExchangeGrant: Grant = {
  type: grantTypes.tokenExchange,
  async handle(ctx) {
    const p = readParams(
      [
        'subject_token',
        'subject_token_type',
        'requested_token_type',
        'audience',
        'actor_token',
        'actor_token_type',
        'scope',
      ],
      ctx.params,
    );
    if (!p.subject_token) throw new BatonError('malformed_request', 'subject_token is required');

    if (p.subject_token_type === tokenTypes.idToken)
      return nativeSsoExchange(ctx, { ...p, subject_token: p.subject_token });

    if (p.subject_token_type === tokenTypes.refreshToken) {
      if (p.requested_token_type !== tokenTypes.sessionTransferToken) {
        throw new BatonError('malformed_request', `requested_token_type must be ${tokenTypes.sessionTransferToken}`);
      }
      const transfer = await ctx.services.sessionTransfer.issue(ctx.tenant, ctx.app, {
        subjectToken: p.subject_token,
        audience: p.audience,
        dpopJkt: ctx.device.dpopJkt ?? null,
        installationId: ctx.device.installationId ?? null,
        context: ctx.context,
      });
      return { kind: 'session_transfer', ...transfer };
    }

    if (p.subject_token_type === tokenTypes.sessionTransferToken) {
      const { dpopJkt, ...device } = ctx.device;
      if (!dpopJkt)
        throw new BatonError(
          'invalid_dpop_proof',
          'Redeeming a session transfer token needs a DPoP proof: the new refresh token is bound to its key',
        );
      const active = await ctx.services.sessionTransfer.redeem(ctx.tenant, ctx.app, {
        transferToken: p.subject_token,
        dpopJkt,
        device: { ...device, kind: 'companion' },
        context: ctx.context,
      });
      const tokens = await ctx.services.tokens.issue({ tenant: ctx.tenant, app: ctx.app, session: active });
      return { kind: 'exchanged_tokens', tokens };
    }

    throw new BatonError(
      'malformed_request',
      `subject_token_type must be ${tokenTypes.refreshToken}, ${tokenTypes.sessionTransferToken} or ${tokenTypes.idToken}`,
    );
  },
};
