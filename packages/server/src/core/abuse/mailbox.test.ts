import { describe, expect, it } from 'vitest';
import { canonicalMailbox } from './mailbox.js';

describe('canonicalMailbox', () => {
  it.each([
    ['hal@example.com', 'hal@example.com'],
    ['HAL@Example.COM', 'hal@example.com'],
    ['hal+1@example.com', 'hal@example.com'],
    ['hal+a+b@example.com', 'hal@example.com'],
    ['hal@example.com.', 'hal@example.com'],
    ['hal@example.com..', 'hal@example.com'],
    [' Hal+x@EXAMPLE.com. ', 'hal@example.com'],
    ['h.a.l@example.com', 'h.a.l@example.com'],
    ['"a@b"@example.com', '"a@b"@example.com'],
  ])('%s is the mailbox %s', (address, mailbox) => {
    expect(canonicalMailbox(address)).toBe(mailbox);
  });
});
