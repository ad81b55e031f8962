import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyFolder, isolatedBatonEnv } from './support/baton-env.js';
import { runBaton, runBatonJson, stopAllProcesses } from './support/baton-process.js';

/** `baton policy set|show|what-if` as an operator runs them (ARCHITECTURE.md, "Conditional access"). */
describe('the baton CLI for conditional-access policies', { timeout: 120_000 }, () => {
  let env: Record<string, string>;
  let clientId: string;
  const baton = (...args: string[]) => runBatonJson(args, { env });
  const folder = emptyFolder();
  const file = (name: string, document: unknown) => {
    const path = join(folder, name);
    writeFileSync(path, typeof document === 'string' ? document : JSON.stringify(document));
    return path;
  };
  const blockAbroad = {
    rules: [
      {
        name: 'no-watch-abroad',
        state: 'enabled',
        at: ['refresh', 'session_transfer'],
        when: "device.kind == 'companion' && request.country != 'NL'",
        then: { block: true },
      },
      {
        name: 'trial',
        state: 'report_only',
        at: ['refresh'],
        when: 'session.age_seconds < 60',
        then: { require_mfa: true },
      },
    ],
  };

  beforeAll(async () => {
    env = await isolatedBatonEnv('sqlite');
    await baton('tenant', 'create', 'acme');
    clientId = (await baton('app', 'create', '--tenant', 'acme', '--name', 'Watch')).json.client_id as string;
    await baton('user', 'create', '--tenant', 'acme', '--email', 'ada@example.com');
  });
  afterAll(stopAllProcesses);

  it('set prints the version in force; show prints it with its document; what-if names the rules that match', async () => {
    expect((await baton('policy', 'show', '--tenant', 'acme')).json).toMatchObject({
      version: 0,
      document: { rules: [] },
    });
    expect((await baton('policy', 'set', '--tenant', 'acme', '--file', file('policy.json', blockAbroad))).json).toEqual(
      {
        version: 1,
      },
    );
    expect((await baton('policy', 'show', '--tenant', 'acme')).json).toMatchObject({
      version: 1,
      document: blockAbroad,
      created_by: expect.stringMatching(/^cli:/),
    });
    const whatIfArgs = (ip: string) => [
      ...['policy', 'what-if', '--tenant', 'acme', '--user', 'ada@example.com', '--app', clientId],
      ...['--at', 'refresh', '--device-kind', 'companion', '--ip', ip],
    ];
    const whatIf = (ip: string) => baton(...whatIfArgs(ip));
    expect((await whatIf('8.8.8.8')).json).toMatchObject({
      decision: 'block',
      rules: ['no-watch-abroad'],
      report_only: ['trial'],
      version: 1,
      facts: { request: { ip: '8.8.8.8', country: 'US', at: 'refresh' }, device: { kind: 'companion' } },
    });
    expect((await whatIf('145.97.1.1')).json).toMatchObject({ decision: 'allow', rules: [] });
    const human = await runBaton(whatIfArgs('8.8.8.8'), { env });
    expect(human.stdout).toBe('block (rules: no-watch-abroad)\nreport-only matches: trial\ncountry: US\n');
  });

  it('a document that does not compile fails with the rule, field and column, and the version in force stays', async () => {
    const typo = { rules: [{ ...blockAbroad.rules[0], when: "device.knd == 'companion'" }] };
    const refused = await runBaton(['policy', 'set', '--tenant', 'acme', '--file', file('typo.json', typo)], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('baton: rules[0] ("no-watch-abroad").when: column 8: No such key: knd');
    const notJson = await baton('policy', 'set', '--tenant', 'acme', '--file', file('broken.json', '{"rules": ['));
    expect(notJson.code).toBe(1);
    expect(notJson.json).toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringContaining('is not JSON'),
    });
    expect((await baton('policy', 'show', '--tenant', 'acme')).json).toMatchObject({ version: 1 });
  });

  it('an IP database that cannot be read stops every command at start, naming BATON_GEOIP_DB', async () => {
    const unreadable = await runBaton(['policy', 'show', '--tenant', 'acme'], {
      env: { ...env, BATON_GEOIP_DB: file('countries.mmdb', 'not a database') },
    });
    expect(unreadable.code).toBe(1);
    expect(unreadable.stderr).toMatch(
      /baton: BATON_GEOIP_DB: .*countries\.mmdb cannot be read as an IP country database/,
    );
  });
});
