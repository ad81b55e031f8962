import { describe, expect, it } from 'vitest';
import { amrOf, codeProof, passwordProof, provedSoFar, provesMethodAddress, provesTwoFactors } from './proofs.js';

const address = 'ada@example.com';

describe('what a sign-in proved', () => {
  it('takes the password and a second-factor code to a registered method as two factors', () => {
    expect(provesTwoFactors([passwordProof, codeProof(address, 'second-factor')], [address])).toBe(true);
    expect(provesTwoFactors([codeProof(address, 'sign-up'), passwordProof], [address])).toBe(true);
  });

  it('does not take the password alone, nor a code alone, nor a code to an address that is no method', () => {
    expect(provesTwoFactors([passwordProof], [address])).toBe(false);
    expect(provesTwoFactors([codeProof(address, 'second-factor')], [address])).toBe(false);
    expect(provesTwoFactors([passwordProof, codeProof('other@example.com', 'second-factor')], [address])).toBe(false);
    expect(provesTwoFactors([passwordProof, codeProof(address, 'second-factor')], [])).toBe(false);
  });

  it('does not count a sign-in or reset code to the sign-in address as the second factor, even when it is a method', () => {
    expect(provesTwoFactors([codeProof(address, 'sign-in'), passwordProof], [address])).toBe(false);
    expect(provesTwoFactors([codeProof(address, 'reset'), passwordProof], [address])).toBe(false);
    expect(provesMethodAddress([codeProof(address, 'reset')], address)).toBe(false);
    expect(provesMethodAddress([codeProof(address, 'sign-up')], address)).toBe(true);
  });

  it('says in amr what was proved, in order, with mfa only for two factors', () => {
    expect(amrOf([passwordProof], false)).toEqual(['pwd']);
    expect(amrOf([passwordProof, codeProof(address, 'second-factor')], true)).toEqual(['pwd', 'otp', 'mfa']);
    expect(amrOf([codeProof(address, 'sign-up'), passwordProof], true)).toEqual(['otp', 'pwd', 'mfa']);
    expect(amrOf([codeProof(address, 'sign-in'), codeProof(address, 'second-factor')], false)).toEqual(['otp']);
  });

  it('reads a flow state from before proofs were kept as having proved nothing', () => {
    expect(provedSoFar({})).toEqual([]);
  });
});
