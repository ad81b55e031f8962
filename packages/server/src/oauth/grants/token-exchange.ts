import { grantTypes, tokenTypes } from '@baton/protocol';
import { BatonError } from '../../core/errors.js';
import { readParams } from '../params.js';
import type { Grant } from './grant.js';

/**
 * RFC 8693 token exchange, Baton's handoff:
 * - a refresh token for a session transfer token (the phone asks; nothing is rotated);
 * - a session transfer token for tokens of a new child session (the companion redeems,
 *   with a DPoP proof: its refresh token then works only with that key).
 */
export const tokenExchangeGrant: Grant = {
  type: grantTypes.tokenExchange,
  async handle(ctx) {
    const p = readParams(['subject_token', 'subject_token_type', 'requested_token_type', 'audience'], ctx.params);
    if (!p.subject_token) throw new BatonError('malformed_request', 'subject_token is required');

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
      `subject_token_type must be ${tokenTypes.refreshToken} or ${tokenTypes.sessionTransferToken}`,
    );
  },
};
