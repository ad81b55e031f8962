import { Type } from 'typebox';
import { activityLimits } from '../../core/account/sign-in-activity.js';
import { Nullable, PathId, Timestamp } from '../admin/schemas.js';
import { DeviceGraphSessionBody } from '../device-graph-body.js';

export const TenantParams = Type.Object({ tenant: Type.String() });

export const SessionParams = Type.Object({ tenant: Type.String(), id: PathId });

export const OwnDeviceGraph = Type.Object({
  sessions: Type.Array(Type.Object({ ...DeviceGraphSessionBody.properties, current: Type.Boolean() }), {
    description: 'Every session of the user, oldest first; current is the one the access token was issued in',
  }),
});

export const Revoked = Type.Object({
  revoked: Type.Array(Type.String(), { description: 'The sessions ended now (none when they already were)' }),
});

export const RevokedElsewhere = Type.Object({
  revoked: Revoked.properties.revoked,
  kept: Type.Array(Type.String(), { description: "This device's sessions, the sessions they hang on and hand off to" }),
});

export const ActivityQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: activityLimits.max, default: activityLimits.default })),
});

const Place = Type.Union([Type.Object({ country: Type.String() }), Type.Object({ ip: Type.String() })]);

export const Activity = Type.Object({
  sign_ins: Type.Array(
    Type.Object({
      at: Timestamp,
      kind: Type.Union([
        Type.Literal('sign_in'),
        Type.Literal('session_transfer'),
        Type.Literal('device_code'),
        Type.Literal('native_sso'),
      ]),
      session_id: Nullable(Type.String()),
      app: Nullable(DeviceGraphSessionBody.properties.app),
      device: Nullable(DeviceGraphSessionBody.properties.device),
      place: Nullable(Place),
    }),
    { description: 'Recent sign-ins, newest first' },
  ),
});
