import type { Account } from '../tokens/account.js';

/** The end of a sign-in: the account is stored on this device and ready. */
export class SignedIn {
  readonly kind = 'signed_in' as const;
  constructor(readonly account: Account) {}
}
