import type { RequestContext } from '../model.js';

/**
 * Who asked for an administrative change, as the audit trail names them: `cli:<OS user>`
 * for the `baton` command; the management API names its bearer (the admin token, or the
 * app whose token it is). `context` says from where, when it came over HTTP.
 */
export interface AdminCaller {
  actor: string;
  context?: RequestContext;
}

/** Baton itself, for what it does unasked (the demo tenant `serve` creates on an empty database). */
export const systemCaller: AdminCaller = { actor: 'system' };
