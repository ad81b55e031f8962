import { describe, expect, it } from 'vitest';
import { ago, timeAgo } from './time-ago.js';

describe('how long ago, for a person', () => {
  const now = Date.parse('2026-12-07T08:00:00Z');

  it('says just now under a minute, then minutes, hours and days, rounded down', () => {
    expect(ago(now - 59_000, now)).toBe('just now');
    expect(ago(now - 60_000, now)).toBe('1 minute ago');
    expect(ago(now - 59 * 60_000, now)).toBe('59 minutes ago');
    expect(ago(now - 3 * 3_600_000 - 1, now)).toBe('3 hours ago');
    expect(ago(now - 2 * 86_400_000, now)).toBe('2 days ago');
  });

  it('says just now for a moment a little ahead of the clock (another instance)', () => {
    expect(ago(now + 5_000, now)).toBe('just now');
  });

  it('puts the exact moment in the datetime a machine reads', () => {
    expect(timeAgo(now - 120_000, now).value).toBe(
      '<time datetime="2026-12-07T07:58:00.000Z" title="2026-12-07 07:58 UTC">2 minutes ago</time>',
    );
  });
});
