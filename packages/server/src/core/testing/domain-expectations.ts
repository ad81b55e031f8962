import { expect } from 'vitest';
import { BatonError } from '../errors.js';
import type { FlowStep, StepResult } from '../flows/steps.js';

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
 * How domain tests expect a flow to stop at `step` (a second factor, a method to register,
 * a password, attributes): the value it returns; answers the continuation token that goes
 * on from there.
 */
export async function expectFlowStep(outcome: Promise<unknown>, step: FlowStep['kind']): Promise<string> {
  const result = await outcome;
  expect(result, `expected the flow to stop at ${step}`).toMatchObject({
    kind: step,
    continuationToken: expect.any(String),
  });
  return (result as FlowStep).continuationToken;
}

/** The continuation token of a step that goes on natively; fails the test on a redirect or a step to take first. */
export function continuationOf(step: StepResult | FlowStep): string {
  if (step.kind === 'continue') return step.continuationToken;
  throw new Error(`Expected the flow to go on, not: ${step.kind === 'redirect' ? step.reason : step.kind}`);
}
