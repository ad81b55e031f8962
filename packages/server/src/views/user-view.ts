import type { User } from '../core/model.js';

/** An account as `baton user list --json` and the management API show it. */
export function userView(user: User) {
  return {
    id: user.id,
    email: user.email,
    email_verified: user.emailVerified,
    display_name: user.displayName,
    attributes: user.attributes,
    created_at: new Date(user.createdAt).toISOString(),
  };
}
