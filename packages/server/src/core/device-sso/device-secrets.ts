import { digest, randomToken, safeEqual } from '../../crypto/digest.js';
import { BatonError } from '../errors.js';
import type { Repositories } from '../ports.js';
import type { ActiveSession } from '../sessions/session-service.js';
import { dsHash, wantsDeviceSso } from './device-secret.js';

/** The device secret a token set carries, and its hash for the ID token. */
export interface IssuedDeviceSecret {
  secret: string;
  dsHash: string;
}

/**
 * A device's Native SSO secret, kept only as a digest on the device row. Rotation: a token
 * set with `device_sso` returns the secret the client presented (`device_secret` on a
 * refresh, the `actor_token` of an exchange) when the device still holds it; otherwise the
 * device gets a new one, which replaces the old for every app on it. Only the holder of the
 * current secret keeps it; the digest cannot give the secret back.
 */
export class DeviceSecrets {
  constructor(private readonly repos: Repositories) {}

  async forTokens(active: ActiveSession, presented: string | undefined): Promise<IssuedDeviceSecret | null> {
    if (!wantsDeviceSso(active.scope)) return null;
    if (presented) {
      const device = await this.repos.sessions.findDevice(active.session.deviceId);
      if (device?.ssoSecretDigest && safeEqual(device.ssoSecretDigest, digest(presented)))
        return { secret: presented, dsHash: dsHash(presented) };
    }
    const secret = randomToken();
    if (!(await this.repos.sessions.setDeviceSecret(active.session.id, digest(secret))))
      throw new BatonError('session_ended', 'The session has ended');
    return { secret, dsHash: dsHash(secret) };
  }
}
