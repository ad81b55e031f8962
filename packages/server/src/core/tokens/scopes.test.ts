import { describe, expect, it } from 'vitest';
import { grantedUserScope, narrowScope, parseScope } from './scopes.js';

describe('parseScope', () => {
  it('splits on spaces, drops empty parts and duplicates, keeps order', () => {
    expect(parseScope(undefined)).toEqual([]);
    expect(parseScope('')).toEqual([]);
    expect(parseScope('  openid api://orders/read  openid offline_access ')).toEqual([
      'openid',
      'api://orders/read',
      'offline_access',
    ]);
  });

  it.each(['a"b', 'a\\b', 'caf\u00e9', 'tab\there', 'x'.repeat(257)])('refuses the scope token %j', (value) => {
    expect(() => parseScope(`openid ${value}`)).toThrow(expect.objectContaining({ code: 'malformed_scope' }));
  });

  it('accepts every printable ASCII character the RFC allows', () => {
    expect(parseScope("!#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}~")).toHaveLength(1);
  });
});

describe('grantedUserScope', () => {
  it('adds the OpenID scopes a user sign-in always grants', () => {
    expect(grantedUserScope(['api.read', 'openid'])).toBe('api.read openid profile offline_access');
  });
});

describe('narrowScope', () => {
  const granted = 'api.read api.write openid profile offline_access';

  it('keeps the granted scope when none is asked for', () => {
    expect(narrowScope(granted, [])).toBe(granted);
  });

  it('narrows to what is asked for, keeping the OpenID scopes', () => {
    expect(narrowScope(granted, ['api.read'])).toBe('api.read openid profile offline_access');
    expect(narrowScope(granted, ['openid', 'offline_access'])).toBe('openid offline_access profile');
  });

  it('refuses to widen the grant', () => {
    expect(() => narrowScope(granted, ['api.read', 'api.admin'])).toThrow(
      expect.objectContaining({ code: 'scope_not_granted' }),
    );
    expect(() => narrowScope('openid profile offline_access', ['api.read'])).toThrow(
      expect.objectContaining({ code: 'scope_not_granted' }),
    );
  });
});
