import { describe, expect, it } from 'vitest';
import { renderCodeMessage } from './code-message.js';

const message = (senderName: string) =>
  renderCodeMessage({ to: 'ada@example.com', code: '0233791', purpose: 'sign-in', senderName, expiresInMinutes: 10 });
const sixToEight = /(?<!\d)\d{6,8}(?!\d)/g;

describe('renderCodeMessage', () => {
  it('names the tenant in the subject and the signature', () => {
    const m = message('Acme Shop');
    expect(m.subject).toBe('Your Acme Shop verification code');
    expect(m.text).toContain('Acme Shop');
    expect(m.senderName).toBe('Acme Shop');
  });

  it.each(['Shop 123456', 'tenant-1795620000000', 't12345678'])(
    'leaves out a tenant name with six digits in a row (%s): the code stays the only such number',
    (name) => {
      const m = message(name);
      for (const part of [m.subject, m.text, m.html])
        expect([...part.matchAll(sixToEight)].map((x) => x[0]).filter((n) => n !== '0233791')).toEqual([]);
      expect(m.text.match(sixToEight)).toEqual(['0233791']);
      expect(m.senderName).toBeUndefined();
    },
  );
});
