import { tokenTypes } from '@baton/protocol';
import { decodeJwt } from 'jose';
import { expect } from 'vitest';
import type { RegisterAppInput } from '../../src/core/apps/app-service.js';
import type { App } from '../../src/core/model.js';
import type { EngineName } from '../support/databases.js';
import { dpopProof, newDpopKey, type DpopKey, type ProofTweaks } from '../support/dpop.js';
import { postForm, signInWithPassword, type HttpResult, type JsonAnswer } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

export const tokenExchange = 'urn:ietf:params:oauth:grant-type:token-exchange';

/** A proof to send, or to leave out (null), or the key to sign a fresh one with. */
export type ProofChoice = DpopKey | { proof: string } | null;

export interface HandedOff {
  phone: { app: App; refreshToken: string; sessionId: string };
  companion: { app: App; key: DpopKey; tokens: Record<string, JsonAnswer>; sessionId: string };
}

/**
 * The phone and companion sides of a handoff against a test server, over HTTP: the phone
 * app may hand off, the watch app accepts transfers.
 */
export function handoffClient(t: TestServer, apps: HandoffApps) {
  const tokenUrl = `${t.base}/oauth2/v2.0/token`;

  /** The DPoP header for a token request, as `choice` says. */
  const dpopHeader = async (choice: ProofChoice, tweaks?: ProofTweaks): Promise<Record<string, string>> => {
    if (choice === null) return {};
    const proof =
      'proof' in choice
        ? choice.proof
        : await dpopProof(choice, { method: 'POST', url: tokenUrl, now: t.clock.now() }, tweaks);
    return { dpop: proof };
  };

  const client = {
    tokenUrl,
    async signIn(app = apps.phone, extra: Record<string, string> = {}) {
      const res = await signInWithPassword(
        t.base,
        app.clientId,
        t.user.email,
        t.userPassword,
        'openid profile offline_access',
        extra,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return {
        app,
        refreshToken: res.body.refresh_token as string,
        accessToken: res.body.access_token as string,
        sessionId: decodeJwt(res.body.id_token).sid as string,
      };
    },

    /** The phone asks for a transfer token for `audience` (the watch app by default). */
    requestTransfer(refreshToken: string, options: { app?: App; audience?: string } = {}): Promise<HttpResult> {
      return postForm(tokenUrl, {
        grant_type: tokenExchange,
        client_id: (options.app ?? apps.phone).clientId,
        subject_token: refreshToken,
        subject_token_type: tokenTypes.refreshToken,
        requested_token_type: tokenTypes.sessionTransferToken,
        audience: options.audience ?? apps.watch.clientId,
      });
    },

    /**
     * The companion redeems a transfer token, with a proof from `proof` (a fresh one when a
     * key is given); `instanceUrl` sends it to another server instance behind the same public URL.
     */
    async redeem(
      transferToken: string,
      proof: ProofChoice,
      options: { app?: App; extra?: Record<string, string>; instanceUrl?: string } = {},
    ): Promise<HttpResult> {
      return postForm(
        options.instanceUrl ? tokenUrl.replace(t.url, options.instanceUrl) : tokenUrl,
        {
          grant_type: tokenExchange,
          client_id: (options.app ?? apps.watch).clientId,
          subject_token: transferToken,
          subject_token_type: tokenTypes.sessionTransferToken,
          device_name: 'Ada’s Watch',
          device_platform: 'watchOS',
          ...options.extra,
        },
        await dpopHeader(proof),
      );
    },

    /** A refresh, with a proof as `proof` says; `extra` adds form parameters (installation_id, say). */
    async refresh(
      app: App,
      refreshToken: string,
      proof: ProofChoice = null,
      tweaks?: ProofTweaks,
      extra: Record<string, string> = {},
    ): Promise<HttpResult> {
      return postForm(
        tokenUrl,
        { grant_type: 'refresh_token', client_id: app.clientId, refresh_token: refreshToken, ...extra },
        await dpopHeader(proof, tweaks),
      );
    },

    /** A transfer token for a new phone session. */
    async transferToken(refreshToken?: string): Promise<string> {
      const res = await client.requestTransfer(refreshToken ?? (await client.signIn()).refreshToken);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.access_token as string;
    },

    /** The whole handoff: the phone signs in and asks for a transfer, the watch redeems it with a new key. */
    async handOff(): Promise<HandedOff> {
      const phone = await client.signIn();
      const key = await newDpopKey();
      const res = await client.redeem(await client.transferToken(phone.refreshToken), key);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return {
        phone: { app: apps.phone, refreshToken: phone.refreshToken, sessionId: phone.sessionId },
        companion: { app: apps.watch, key, tokens: res.body, sessionId: decodeJwt(res.body.id_token).sid as string },
      };
    },
  };
  return client;
}

export type HandoffClient = ReturnType<typeof handoffClient>;

/** The phone app (may hand off) and the watch app (accepts transfers). */
export interface HandoffApps {
  phone: App;
  watch: App;
}

/**
 * A test server on `engine` with a manual clock, its phone and watch apps (`watch` adds to
 * the watch app's registration) and a client for both sides.
 */
export async function startHandoffServer(
  engine: EngineName,
  watch: Partial<RegisterAppInput> = {},
): Promise<{ t: TestServer; apps: HandoffApps; client: HandoffClient }> {
  const t = await startTestServer({ engine, manualClock: true });
  const apps = await handoffApps(t, watch);
  return { t, apps, client: handoffClient(t, apps) };
}

async function handoffApps(t: TestServer, watch: Partial<RegisterAppInput>): Promise<HandoffApps> {
  const { app: phone } = await t.registerApp({ name: 'Phone app', allowSessionTransfer: true });
  const { app: watchApp } = await t.registerApp({ name: 'Watch app', acceptSessionTransfer: true, ...watch });
  return { phone, watch: watchApp };
}
