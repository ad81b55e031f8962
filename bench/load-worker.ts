/**
 * The load generator: runs one scenario with autocannon (warm-up, then the measured run)
 * and prints one JSON line of results. run.ts starts it pinned to the load core.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import autocannon, { type Request } from 'autocannon';
import { cpuBetween, processTree, snapshot } from './lib/cpu.js';
import { storageBytesWritten } from './lib/storage-writes.js';
import { dpopProver } from './lib/dpop-proof.js';
import { percentiles, type LoadResult, type LoadSpec, type Scenario } from './lib/load-spec.js';

const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadSpec;

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const formHeaders = (headers: Record<string, string>) => ({
  'content-type': 'application/x-www-form-urlencoded',
  ...headers,
});

interface Tally {
  flowLatencies: number[];
  firstFailure?: string;
}

/** The refresh tokens not yet presented; each answered rotation puts its successor back. */
const pool = spec.scenario.kind === 'refresh' ? [...spec.scenario.tokens] : [];

/** The autocannon requests of a scenario; they record whole-flow latencies in `tally`. */
function requestsFor(scenario: Scenario, tally: Tally): Request[] {
  const noteFailure = (status: number, body: string) => {
    tally.firstFailure ??= `${status} ${body.slice(0, 300)}`;
  };
  switch (scenario.kind) {
    case 'fixed':
      return [
        { method: 'POST', path: scenario.path, headers: formHeaders(scenario.headers), body: form(scenario.form) },
      ];
    case 'refresh': {
      const proof = scenario.dpop ? dpopProver(scenario.dpop.key, scenario.dpop.htu) : undefined;
      return [
        {
          method: 'POST',
          path: scenario.path,
          headers: formHeaders(scenario.headers),
          setupRequest(request) {
            const token = pool.shift();
            if (token === undefined) throw new Error('The refresh-token pool ran dry: too many rotations failed');
            const body = form({ ...scenario.form, refresh_token: token });
            return proof ? { ...request, headers: { ...request.headers, dpop: proof() }, body } : { ...request, body };
          },
          onResponse(status, body) {
            if (status === 200) pool.push((JSON.parse(body) as { refresh_token: string }).refresh_token);
            else noteFailure(status, body);
          },
        },
      ];
    }
    case 'sign-in': {
      let nextAccount = -1;
      const nextUsername = () => {
        nextAccount += 1;
        return scenario.usernames[nextAccount % scenario.usernames.length];
      };
      const path = (step: string) => `${scenario.tenantPath}/oauth2/v2.0/${step}`;
      const headers = formHeaders({});
      const continueWith = (status: number, body: string, context: Record<string, unknown>) => {
        if (status === 200)
          context.continuation = (JSON.parse(body) as { continuation_token: string }).continuation_token;
        else noteFailure(status, body);
      };
      const continued = (request: Request, fields: Record<string, string>, context: Record<string, unknown>) =>
        typeof context.continuation === 'string'
          ? {
              ...request,
              body: form({ client_id: scenario.clientId, continuation_token: context.continuation, ...fields }),
            }
          : null;
      return [
        {
          method: 'POST',
          path: path('initiate'),
          headers,
          setupRequest(request, context) {
            context.startedAt = performance.now();
            context.username ??= nextUsername();
            return {
              ...request,
              body: form({
                client_id: scenario.clientId,
                username: context.username as string,
                challenge_type: 'password redirect',
              }),
            };
          },
          onResponse: continueWith,
        },
        {
          method: 'POST',
          path: path('challenge'),
          headers,
          setupRequest: (request, context) => continued(request, { challenge_type: 'password redirect' }, context),
          onResponse: continueWith,
        },
        {
          method: 'POST',
          path: path('token'),
          headers,
          setupRequest: (request, context) =>
            continued(
              request,
              { grant_type: 'password', password: scenario.password, scope: 'openid profile offline_access' },
              context,
            ),
          onResponse(status, body, context) {
            if (status === 200) tally.flowLatencies.push(performance.now() - (context.startedAt as number));
            else noteFailure(status, body);
          },
        },
      ];
    }
  }
}

async function run(seconds: number, requests: Request[]) {
  const latencies: number[] = [];
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    pipelining: 1,
    duration: seconds,
    timeout: 30,
    requests,
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, time: number) => {
    if (status >= 200 && status < 300) latencies.push(time);
  });
  const result = await instance;
  return { result, latencies };
}

const warmup: Tally = { flowLatencies: [] };
const measured: Tally = { flowLatencies: [] };
if (spec.warmupSeconds > 0) await run(spec.warmupSeconds, requestsFor(spec.scenario, warmup));
const serverTree = spec.serverPids.flatMap(processTree);
const watched = [...serverTree, process.pid];
const before = snapshot(watched);
const writtenBefore = storageBytesWritten(serverTree);
const { result, latencies } = await run(spec.seconds, requestsFor(spec.scenario, measured));
const { processes, others } = cpuBetween(before, snapshot(watched));
const written = storageBytesWritten(serverTree) - writtenBefore;
const loader = processes.pop()!;
const server = processes.reduce((a, b) => a + b, 0);
const seconds = result.duration;
const firstFailure = warmup.firstFailure ?? measured.firstFailure;
const flows =
  spec.scenario.kind === 'sign-in'
    ? {
        count: measured.flowLatencies.length,
        rps: measured.flowLatencies.length / seconds,
        ...percentiles(measured.flowLatencies),
      }
    : undefined;
const output: LoadResult = {
  ok: latencies.length,
  rps: latencies.length / seconds,
  failed: result.non2xx,
  errors: result.errors + result.timeouts,
  seconds,
  ...percentiles(latencies),
  ...(flows ? { flows } : {}),
  ...(firstFailure ? { firstFailure } : {}),
  ...(spec.scenario.kind === 'refresh' ? { tokens: pool } : {}),
  cpu: { server, loader, others },
  written,
};
process.stdout.write(`${JSON.stringify(output)}\n`);
