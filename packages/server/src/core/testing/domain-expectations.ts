import { expect } from 'vitest';
import { BatonError } from '../errors.js';

/**
 * How domain tests expect a refusal: by its code, and by its description when the code
 * alone does not say which rule refused. The one place to change when the codes do.
 */
export async function expectRejection(
  outcome: Promise<unknown>,
  code: BatonError['code'],
  description?: RegExp,
): Promise<BatonError> {
  const error = await outcome.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error, `expected a ${code} refusal`).toBeInstanceOf(BatonError);
  const refusal = error as BatonError;
  expect(refusal.code).toBe(code);
  if (description) expect(refusal.description).toMatch(description);
  return refusal;
}

/**
 * How domain tests expect a sign-in to stop for a second factor (`mfa_required`) or for
 * registering one (`registration_required`); answers the continuation token of that step.
 * The one place to change when a flow step becomes a returned value.
 */
export async function expectSecondFactorStep(
  outcome: Promise<unknown>,
  step: 'mfa_required' | 'registration_required',
): Promise<string> {
  const refusal = await expectRejection(outcome, 'invalid_grant');
  expect(refusal.details.suberror).toBe(step);
  expect(refusal.details.continuationToken).toEqual(expect.any(String));
  return refusal.details.continuationToken!;
}
