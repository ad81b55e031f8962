import { expect } from 'vitest';
import { BatonError } from '../errors.js';
import type { StepResult } from '../flows/steps.js';

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

/** The steps a flow stops at for the client to go on: a second factor, a method to register, a password, attributes. */
export type FlowStep = 'mfa_required' | 'registration_required' | 'credential_required' | 'attributes_required';

/**
 * How domain tests expect a flow to stop at `step`; answers the continuation token that
 * goes on from there. The one place to change when steps become returned values.
 */
export async function expectFlowStep(outcome: Promise<unknown>, step: FlowStep): Promise<string> {
  const refusal = await expectRejection(outcome, step);
  expect(refusal.details.continuationToken).toEqual(expect.any(String));
  return refusal.details.continuationToken!;
}

/** The continuation token of a step that goes on natively; fails the test on a redirect to the browser. */
export function continuationOf(step: StepResult): string {
  if (step.kind !== 'continue') throw new Error(`Expected the flow to go on, not: ${step.reason}`);
  return step.continuationToken;
}
