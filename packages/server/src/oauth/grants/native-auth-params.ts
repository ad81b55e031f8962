import { parseScope } from '../../core/tokens/scopes.js';
import type { TokenStepInput } from '../../core/flows/native-sign-in.js';
import { readParams } from '../params.js';
import type { GrantContext } from './grant.js';

/** The parameters every native-auth grant shares: the continuation token and the scope. */
export function tokenStep(ctx: GrantContext): TokenStepInput {
  const p = readParams(['continuation_token', 'scope'], ctx.params);
  return {
    continuationToken: p.continuation_token,
    scope: parseScope(p.scope),
    device: ctx.device,
    context: ctx.context,
  };
}
