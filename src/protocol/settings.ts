/**
 * The run limits, read from package.json's settings (`gradtape.timeoutMs`, `gradtape.memoryMb`):
 * written once there, used by the runner (src/runner/host/scratchRun.ts), the CLI (its help and the
 * ranges of --timeout/--memory) and the extension's settings (src/extension/config.ts). A value is
 * rounded first, then checked against its range, so `0.4` MB is 0 MB and out of range rather than a
 * limit of nothing.
 */
import { contributes } from '../../package.json';

const settings = contributes.configuration.properties;

/** A run's time limit when none is given. */
export const DEFAULT_TIMEOUT_MS: number = settings['gradtape.timeoutMs'].default;
/** A run's memory limit (MB) when none is given. */
export const DEFAULT_MEMORY_MB: number = settings['gradtape.memoryMb'].default;

export interface SettingRange {
  min: number;
  max: number;
  default: number;
}

/** `gradtape.timeoutMs` (milliseconds) and `gradtape.memoryMb` (megabytes): package.json's minimum, maximum and default. */
export const SETTING_RANGES = {
  timeoutMs: { min: settings['gradtape.timeoutMs'].minimum, max: settings['gradtape.timeoutMs'].maximum, default: DEFAULT_TIMEOUT_MS },
  memoryMb: { min: settings['gradtape.memoryMb'].minimum, max: settings['gradtape.memoryMb'].maximum, default: DEFAULT_MEMORY_MB },
} satisfies Record<string, SettingRange>;

/** A setting's value rounded and brought into its range; anything but a finite number gives the default. */
export function clampSetting(value: unknown, range: SettingRange): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return range.default;
  return Math.min(range.max, Math.max(range.min, Math.round(value)));
}
