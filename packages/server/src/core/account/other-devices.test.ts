import { describe, expect, it } from 'vitest';
import type { DeviceGraphSession, SessionStatus } from '../sessions/device-graph.js';
import { elsewhere } from './other-devices.js';

/** A session of a graph: its id, its parent, its device, its state; the rest does not matter here. */
const session = (id: string, parentId: string | null, deviceId: string, status: SessionStatus = 'active') =>
  ({ id, parentId, device: { id: deviceId }, status }) as DeviceGraphSession;

describe('elsewhere (what "sign out everywhere but this device" ends)', () => {
  const graph = [
    session('phone', null, 'phone-device'),
    session('watch', 'phone', 'watch-device'),
    session('watch-view', 'watch', 'watch-browser'),
    session('phone-view', 'phone', 'phone-browser'),
    session('sibling-app', null, 'phone-device'),
    session('laptop', null, 'laptop-device'),
    session('laptop-view', 'laptop', 'laptop-browser'),
    session('old-tablet', null, 'tablet-device', 'revoked'),
    session('idle-pc', null, 'pc-device', 'expired'),
  ];

  it('from the phone: keeps its branch and its sibling apps, ends the tops of every other branch', () => {
    expect(elsewhere(graph, 'phone')).toEqual({
      branches: ['laptop', 'idle-pc'],
      kept: ['phone', 'watch', 'watch-view', 'phone-view', 'sibling-app'],
    });
  });

  it("from the watch: keeps the phone it hangs on, ends the phone's other branches", () => {
    const { branches, kept } = elsewhere(graph, 'watch');
    expect(branches).toEqual(['phone-view', 'sibling-app', 'laptop', 'idle-pc']);
    expect(kept.sort()).toEqual(['phone', 'watch', 'watch-view']);
  });

  it('from a session it does not know: keeps nothing', () => {
    expect(elsewhere(graph, 'gone').kept).toEqual([]);
  });
});
