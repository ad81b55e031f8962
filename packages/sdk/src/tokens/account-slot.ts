import type { SdkContext } from '../context.js';
import { Account } from './account.js';
import { TokenCache } from './token-cache.js';

/**
 * The one Account a client hands out for its store, so every caller shares one token
 * cache (and so one refresh in flight). The store decides: each call reads it, so a
 * sign-in or sign-out made in another window (tabs over one IndexedDB, app instances over
 * one file) shows here at once.
 */
export class AccountSlot {
  private account: Promise<Account | null> | null = null;

  constructor(private readonly ctx: SdkContext) {}

  async get(): Promise<Account | null> {
    const held = await this.account;
    if (held && (await held.stillStored())) return held;
    this.account = TokenCache.load(this.ctx).then((cache) => (cache ? new Account(this.ctx, cache) : null));
    return this.account;
  }

  set(account: Account): Account {
    this.account = Promise.resolve(account);
    return account;
  }
}
