/**
 * Which DPoP proofs (key thumbprint + `jti`) this process has seen, until they would be too
 * old to accept anyway. An in-memory map bounded by `maxEntries`, the oldest dropped first
 * (so a flood of more proofs than that within the age window could let an early one be
 * replayed): enough for a sample running as one process. Several instances behind a load
 * balancer need a shared store (Baton itself records proofs in its database), or a proof
 * replayed to another instance would pass.
 */
export class ReplayCache {
  private readonly expiries = new Map<string, number>();

  constructor(private readonly maxEntries = 10_000) {}

  /** Records `key` until `expiresAt` (ms); false when it was already recorded and has not expired. */
  remember(key: string, expiresAt: number, now: number): boolean {
    this.dropExpired(now);
    const known = this.expiries.get(key);
    if (known !== undefined && known > now) return false;
    this.expiries.set(key, expiresAt);
    if (this.expiries.size > this.maxEntries) this.expiries.delete(this.expiries.keys().next().value!);
    return true;
  }

  /** Entries go in roughly in expiry order (every proof lives as long), so the oldest come first. */
  private dropExpired(now: number): void {
    for (const [key, expiresAt] of this.expiries) {
      if (expiresAt > now) return;
      this.expiries.delete(key);
    }
  }
}
