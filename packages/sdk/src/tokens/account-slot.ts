import type { SdkContext } from '../context.js';
import { Account } from './account.js';
import { TokenCache } from './token-cache.js';

/**
 * The one Account a client hands out for its store, so every caller shares one token
 * cache (and so one refresh in flight). Loaded from the store on first use; forgotten
 * once signed out.
 */
export class AccountSlot {
  private account: Promise<Account | null> | null = null;

  constructor(private readonly ctx: SdkContext) {}

  async get(): Promise<Account | null> {
    if ((await this.account)?.signedOut) this.account = null;
    this.account ??= TokenCache.load(this.ctx).then((cache) => (cache ? new Account(this.ctx, cache) : null));
    return this.account;
  }

  set(account: Account): Account {
    this.account = Promise.resolve(account);
    return account;
  }
}
