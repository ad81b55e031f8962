import { expect } from 'vitest';
import type { HttpResult } from './http.js';

export interface ExpectedError {
  /** An AADSTS-style number `error_codes` must contain. */
  errorCode?: number;
  suberror?: string;
  /** Text `error_description` must contain. */
  description?: string;
}

/**
 * A refusal as a client sees it: the status, a JSON body naming the error with a
 * description, and nothing of the server's insides (no stack trace, no source paths).
 */
export function expectError(res: HttpResult, status: number, error: string, expected: ExpectedError = {}): void {
  expect({ status: res.status, error: res.body?.error }, JSON.stringify(res.body)).toEqual({ status, error });
  expect(res.headers.get('content-type') ?? '').toMatch(/^application\/json/);
  expect(res.body.error_description).toEqual(expect.any(String));
  // A stack frame is `at fn (/path:1:2)` or `at /path:1:2`; prose such as "at least 8 ... 09:00:54" is not one.
  expect(JSON.stringify(res.body)).not.toMatch(
    /"stack"|\bat (?:\S+ )?\(?(?:file:\/\/|\/|node:)[^\s)]*:\d+:\d+|node_modules|\.[cm]?[jt]s:\d+/,
  );
  if (expected.errorCode !== undefined) expect(res.body.error_codes).toContain(expected.errorCode);
  if (expected.suberror !== undefined) expect(res.body.suberror).toBe(expected.suberror);
  if (expected.description !== undefined) expect(res.body.error_description).toContain(expected.description);
}

/** A native-auth refusal: the OAuth error plus the fields Entra adds and MSAL reads. */
export function expectNativeAuthError(
  res: HttpResult,
  status: number,
  error: string,
  expected: ExpectedError = {},
): void {
  expectError(res, status, error, expected);
  expect(res.body).toMatchObject({
    error_codes: expect.any(Array),
    trace_id: expect.any(String),
    correlation_id: expect.any(String),
    timestamp: expect.any(String),
  });
}
