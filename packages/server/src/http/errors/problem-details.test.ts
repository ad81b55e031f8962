import { describe, expect, it } from 'vitest';
import { BatonError } from '../../core/errors.js';
import { problemResponse } from './problem-details.js';

describe('problemResponse', () => {
  it('writes RFC 9457 problem details whose type names the domain code, with the status the catalog gives', () => {
    const answer = problemResponse(new BatonError('user_not_found', 'No user 42'), 'corr-1');
    expect(answer).toEqual({
      status: 404,
      headers: { 'content-type': 'application/problem+json' },
      body: {
        type: 'https://baton.dev/problems/user_not_found',
        title: 'User not found',
        status: 404,
        detail: 'No user 42',
        code: 'user_not_found',
        correlation_id: 'corr-1',
      },
    });
  });

  it('keeps the Bearer challenge of a refused credential and the Retry-After of an outage', () => {
    expect(problemResponse(new BatonError('admin_credentials_required', 'Send a token'), 'c').headers).toMatchObject({
      'www-authenticate': expect.stringMatching(/^Bearer /),
    });
    const outage = problemResponse(new BatonError('service_unavailable', 'Later', { retryAfter: 5 }), 'c');
    expect(outage).toMatchObject({ status: 503, headers: { 'retry-after': '5' } });
  });

  it("names the refused field in the API's words: snake_case, the theme's fields under theme", () => {
    const refusal = (setting: string) =>
      problemResponse(new BatonError('invalid_setting', 'Refused', { setting }), 'c').body;
    expect(refusal('displayName')).toMatchObject({ field: 'display_name', detail: 'display_name: Refused' });
    expect(refusal('redirectUris').field).toBe('redirect_uris');
    expect(refusal('logoUrl').field).toBe('theme.logo_url');
    expect(refusal('userAttributes').field).toBe('attributes');
    expect(refusal('limit').field).toBe('limit');
  });

  it('does not name the field twice when the description already starts with it (a policy rule)', () => {
    const where = 'rules[0] ("no-watch-abroad").when';
    const body = problemResponse(
      new BatonError('invalid_policy', `${where}: column 8: No such key: knd`, { setting: where }),
      'c',
    ).body;
    expect(body).toMatchObject({ field: where, detail: `${where}: column 8: No such key: knd` });
  });
});
