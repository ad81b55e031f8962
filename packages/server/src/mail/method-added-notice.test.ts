import { describe, expect, it } from 'vitest';
import { renderMethodAddedNotice } from './method-added-notice.js';

const sixToEight = /(?<!\d)\d{6,8}(?!\d)/;

describe('renderMethodAddedNotice', () => {
  it('names the added address and the tenant, and says what to do when it was not the reader', () => {
    const n = renderMethodAddedNotice({ to: 'ada@example.com', method: 'b***@example.com', senderName: 'Acme Shop' });
    expect(n.text).toContain('b***@example.com was added as a verification method for your Acme Shop account');
    expect(n.text).toMatch(/reset your password/);
    expect(n.senderName).toBe('Acme Shop');
  });

  it.each([
    ['Shop 123456', 'b***@example.com'],
    ['Acme', 'b***@mail1234567.example'],
  ])('holds nothing that looks like a code (tenant %s, method %s)', (senderName, method) => {
    const n = renderMethodAddedNotice({ to: 'ada@example.com', method, senderName });
    for (const part of [n.subject, n.text, n.html]) expect(part).not.toMatch(sixToEight);
  });
});
