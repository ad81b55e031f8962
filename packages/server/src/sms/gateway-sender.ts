import type { Logger } from 'pino';
import type { SmsGatewayConfig } from '../config/config.js';
import { AddressRefused, SmsUnavailable } from '../core/otp/code-delivery.js';
import type { SmsSender } from '../core/ports.js';

/**
 * The SMS gateway when `BATON_SMS_GATEWAY_URL` is set: each text is one POST of
 * `{"to": "+31612345678", "body": "..."}` as JSON with `Authorization: Bearer <token>`, to
 * an operator's bridge to Twilio, Vonage or any provider (docs/sms-gateway.md). 2xx means
 * accepted; 422 means the provider refuses the number for good (the user's input to fix);
 * anything else, a redirect, no answer within the timeout, is the gateway being
 * unavailable. No text is logged: it holds the code.
 */
export function createSmsSender(gateway: SmsGatewayConfig | undefined, logger: Logger): SmsSender | undefined {
  if (!gateway) return undefined;
  return {
    async sendText({ to, text }) {
      let response: Response;
      try {
        response = await fetch(gateway.url, {
          method: 'POST',
          headers: { authorization: `Bearer ${gateway.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ to, body: text }),
          redirect: 'manual',
          signal: AbortSignal.timeout(gateway.timeoutMs),
        });
      } catch (error) {
        const timedOut = (error as { name?: unknown } | null)?.name === 'TimeoutError';
        throw new SmsUnavailable(
          timedOut ? `The SMS gateway did not answer within ${gateway.timeoutMs} ms` : 'The SMS gateway is unreachable',
          { cause: error },
        );
      }
      // The answer's body is the bridge's business; reading it would only keep the connection busy.
      await response.body?.cancel();
      if (response.ok) return;
      logger.warn({ status: response.status }, 'the SMS gateway did not accept a text message');
      if (response.status === 422) throw new AddressRefused('The SMS gateway refuses the number');
      throw new SmsUnavailable(`The SMS gateway answered HTTP ${response.status}`);
    },
  };
}
