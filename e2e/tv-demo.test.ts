import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runToEnd, spawnProcess, stopAllProcesses } from './support/baton-process.js';

/**
 * `npm run demo:tv` as a newcomer runs it: Baton, the TV and the phone in their own
 * processes; the TV shows a code and a QR code, the phone approves it natively, the TV
 * calls the protected API across refreshes, and revoking the phone's session ends the TV's.
 */
describe('npm run demo:tv', () => {
  afterAll(stopAllProcesses);

  it("shows a code, is approved from the phone, works across refreshes, and ends with the phone's session", async () => {
    const exit = await runToEnd(spawnProcess('npm', ['run', '--silent', 'demo:tv'], { cwd: repoRoot }), 90_000);
    expect(exit.code, exit.stdout + exit.stderr).toBe(0);
    const lines = exit.stdout.split('\n');
    const at = (pattern: RegExp) => {
      const index = lines.findIndex((l) => pattern.test(l));
      expect(index, `no line matching ${pattern} in:\n${exit.stdout}`).toBeGreaterThanOrEqual(0);
      return index;
    };
    const code = /\[tv\]\s+user code ([A-Z]{4}-[A-Z]{4})/.exec(exit.stdout)?.[1];
    expect(code, exit.stdout).toBeDefined();
    const steps = [
      at(/\[tv\].*To sign in, visit http:\/\/127\.0\.0\.1:\d+\/living-room\/device and enter/),
      at(/\[tv\].*[▀▄█]{3}/),
      at(new RegExp(`\\[phone\\].*approved TV app on "Living-room TV \\(demo\\)" \\(code ${code}\\)`)),
      at(/\[tv\].*signed in as ada@example\.com: own DPoP-bound session/),
      at(/\[tv\].*refresh #2: new access token/),
      at(/\[demo\].*baton sessions revoke .*--session/),
      at(/\[tv\].*signed out: the phone that approved this TV was signed out/),
    ];
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
    // The revocation ended both sessions: the phone's and the TV's below it.
    expect(exit.stdout).toMatch(/\[baton\].*revoked \{"revoked":\["[\w-]+","[\w-]+"\]\}/);
    expect(
      lines.slice(steps[3], steps[5]).filter((l) => /\[tv\].*GET \/api\/me -> 200 .*dpop: true/.test(l)).length,
    ).toBeGreaterThanOrEqual(3);
  }, 100_000);
});
