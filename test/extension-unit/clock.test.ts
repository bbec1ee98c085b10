import assert from 'node:assert/strict';
import { clockTime } from '../../src/extension/format/clock';

describe('clock time (output channel, status bar)', () => {
  it('prints the local time of day as HH:MM:SS, zero-padded, 24-hour', () => {
    assert.equal(clockTime(new Date(2026, 11, 5, 9, 5, 3)), '09:05:03');
    assert.equal(clockTime(new Date(2026, 11, 5, 23, 59, 59)), '23:59:59');
    assert.equal(clockTime(new Date(2026, 11, 5, 0, 0, 0)), '00:00:00');
  });
});
