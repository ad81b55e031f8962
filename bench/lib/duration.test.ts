import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { benchDuration, minutesAndSeconds } from './duration.js';

describe('how long npm run bench takes', () => {
  const defaults = { seconds: 12, warmupSeconds: 3, attempts: 3, sessions: 1_000_000 };

  it('grows with the measured seconds, the warm-up, the attempts and the sessions seeded', () => {
    const { least, most } = benchDuration(defaults);
    expect(least).toBeLessThan(most);
    expect(benchDuration({ ...defaults, seconds: 24 }).least).toBeGreaterThan(least);
    expect(benchDuration({ ...defaults, warmupSeconds: 6 }).least).toBeGreaterThan(least);
    expect(benchDuration({ ...defaults, sessions: 2_000_000 }).least).toBeGreaterThan(least);
    expect(benchDuration({ ...defaults, attempts: 1 })).toEqual({ least, most: least });
  });

  it('is what the README says, at the defaults', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const { least, most } = benchDuration(defaults);
    expect(readme).toContain(`takes about ${minutesAndSeconds(least)}`);
    expect(readme).toContain(`up to ${minutesAndSeconds(most)}`);
  });
});
