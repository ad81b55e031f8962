/**
 * What a sign-in proved, step by step, carried in its flow's state from the first
 * credential to the tokens. The completion decides from these facts whether an app's MFA
 * requirement is met; no step can declare it met.
 *
 * - `pwd`: the password was checked at sign-in, or chosen for an account created in
 *   this flow (sign-up) or for the account whose address a code just proved (reset).
 * - `otp`: a code sent to `address` was entered. `sentBy` says which step sent it: only a
 *   code a second-factor step sent to a method, or the code that verified the address of
 *   an account being created, can stand for the second factor; a sign-in or reset code to
 *   the sign-in address proves the same mailbox the password can be reset with.
 */
export type Proof =
  | { method: 'pwd' }
  | { method: 'otp'; address: string; sentBy: 'sign-in' | 'sign-up' | 'reset' | 'second-factor' };

export const passwordProof: Proof = { method: 'pwd' };

/** What a flow's state says it proved; a flow begun before Baton kept this record proved nothing. */
export const provedSoFar = (state: { proofs?: Proof[] }): Proof[] => state.proofs ?? [];

export const codeProof = (address: string, sentBy: Extract<Proof, { method: 'otp' }>['sentBy']): Proof => ({
  method: 'otp',
  address,
  sentBy,
});

/** Whether a code proved `address` in a way that can count as the second factor. */
export function provesMethodAddress(proofs: readonly Proof[], address: string): boolean {
  return proofs.some(
    (p) => p.method === 'otp' && p.address === address && (p.sentBy === 'second-factor' || p.sentBy === 'sign-up'),
  );
}

/**
 * Two factors: the password, and a code to one of the account's registered methods
 * (`methodAddresses`) that counts as the second factor.
 */
export function provesTwoFactors(proofs: readonly Proof[], methodAddresses: readonly string[]): boolean {
  return (
    proofs.some((p) => p.method === 'pwd') && methodAddresses.some((address) => provesMethodAddress(proofs, address))
  );
}

export const provesPassword = (proofs: readonly Proof[]): boolean => proofs.some((p) => p.method === 'pwd');

/** RFC 8176 `amr`: each method proved, in the order first proved, and `mfa` when two factors were. */
export function amrOf(proofs: readonly Proof[], twoFactors: boolean): string[] {
  return [...new Set(proofs.map((p) => p.method)), ...(twoFactors ? ['mfa'] : [])];
}
