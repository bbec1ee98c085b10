import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { clampSetting, SETTING_RANGES } from '../../src/protocol/settings';

describe('settings: run limits rounded and clamped to the ranges package.json declares', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { minimum: number; maximum: number; default: number }> } };
  };
  const props = pkg.contributes.configuration.properties;

  it('reads each range from package.json, and the timeout fits setTimeout', () => {
    for (const key of ['timeoutMs', 'memoryMb'] as const) {
      const p = props[`gradtape.${key}`];
      assert.deepEqual(SETTING_RANGES[key], { min: p.minimum, max: p.maximum, default: p.default });
    }
    assert.ok(SETTING_RANGES.timeoutMs.max < 2 ** 31, 'setTimeout overflows at 2^31 ms and fires at once');
  });

  it('rounds first, then clamps: 0.4 MB is not a limit of 0', () => {
    const mem = SETTING_RANGES.memoryMb;
    const time = SETTING_RANGES.timeoutMs;
    assert.equal(clampSetting(0.4, mem), mem.min);
    assert.equal(clampSetting(1e9, mem), mem.max);
    assert.equal(clampSetting(512.6, mem), 513);
    assert.equal(clampSetting(3_000_000_000, time), time.max);
    assert.equal(clampSetting(0.0001, time), time.min);
    assert.equal(clampSetting(-5, time), time.min);
  });

  it('anything but a finite number gives the default', () => {
    for (const bad of [NaN, Infinity, '5000', null, undefined, {}]) assert.equal(clampSetting(bad, SETTING_RANGES.timeoutMs), SETTING_RANGES.timeoutMs.default);
  });
});
