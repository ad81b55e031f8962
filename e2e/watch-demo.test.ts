import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runToEnd, spawnProcess, stopAllProcesses } from './support/baton-process.js';

/**
 * `npm run demo:watch` as a newcomer runs it: Baton, the phone and the watch in their own
 * processes; the phone exits after the handoff, the watch refreshes on its own until the
 * CLI revokes the session, and everything stops by itself.
 */
describe('npm run demo:watch', () => {
  afterAll(stopAllProcesses);

  it('signs in on the phone, hands off, keeps the watch working across refreshes, meets a policy at its next refresh, and ends on revocation', async () => {
    const exit = await runToEnd(spawnProcess('npm', ['run', '--silent', 'demo:watch'], { cwd: repoRoot }), 90_000);
    expect(exit.code, exit.stdout + exit.stderr).toBe(0);
    const lines = exit.stdout.split('\n');
    const at = (pattern: RegExp) => {
      const index = lines.findIndex((l) => pattern.test(l));
      expect(index, `no line matching ${pattern} in:\n${exit.stdout}`).toBeGreaterThanOrEqual(0);
      return index;
    };
    const steps = [
      at(/\[baton\].*one-time code for ada@example\.com: \d{6,8}/),
      at(/\[phone\].*signed in/),
      at(/\[phone\].*phone switched off/),
      at(/\[watch\].*refresh #2: new access token/),
      at(/\[demo\].*baton policy set .*blocking watches outside the Netherlands/),
      at(/\[watch\].*blocked by the tenant's conditional-access policy \(53003\); still signed in/),
      at(/\[demo\].*baton policy set .*the rule lifted/),
      at(/\[watch\].*refresh #5: new access token/),
      at(/\[demo\].*baton sessions revoke/),
      at(/\[watch\].*signed out: sign in again on your phone/),
    ];
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
    // At the end, the graph as the operator's CLI lists it: the phone, the watch below it, both revoked.
    const end = at(/\[demo\].*baton sessions list .*the device graph at the end/);
    expect(end).toBeGreaterThan(steps[9]!);
    expect(lines.slice(end + 1, end + 3)).toEqual([
      expect.stringMatching(/^\[baton\]\s+Ada's phone \(demo\) \[primary, Phone app\] \(revoked\)$/),
      expect.stringMatching(/^\[baton\]\s+└─ Ada's watch \(demo\) \[companion, Watch app\] \(revoked\)$/),
    ]);
    // The phone handed off only after the code the watch showed matched its own.
    const shown = /\[watch\]\s+pairing code (\d{6})/.exec(exit.stdout)?.[1];
    expect(shown, exit.stdout).toBeDefined();
    const confirmed = at(
      new RegExp(`\\[phone\\].*pairing code ${shown}, the watch shows ${shown}: they match, confirmed`),
    );
    const paired = at(/\[watch\].*paired: own DPoP-bound session/);
    expect(confirmed).toBeLessThan(paired);
    expect(paired).toBeGreaterThan(steps[1]!);
    expect(paired).toBeLessThan(steps[3]!);
    // Before it switches off, the phone shows the device graph through the SDK: itself, the watch below it.
    const graph = at(/\[phone\].*your devices \(account\.devices\(\)/);
    const phoneLines = lines.filter((l) => l.startsWith('[phone]'));
    const tree = phoneLines.indexOf(lines[graph]!);
    expect(phoneLines.slice(tree + 1, tree + 3)).toEqual([
      expect.stringMatching(/^\[phone\]\s+Ada's phone \(demo\) \[primary, .+\] this device$/),
      expect.stringMatching(/^\[phone\]\s+└─ Ada's watch \(demo\) \[companion, Watch app\]$/),
    ]);
    expect(graph).toBeLessThan(steps[2]!);
    // The watch works after the phone has gone: API calls between the phone's exit and the revocation.
    expect(
      lines.slice(steps[2], steps[8]).filter((l) => /\[watch\].*GET \/api\/me -> 200 .*dpop: true/.test(l)).length,
    ).toBeGreaterThanOrEqual(3);
  }, 100_000);
});
