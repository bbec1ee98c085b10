/**
 * The ranges of the run limits, as package.json declares them for the VS Code settings
 * (`contributes.configuration`): the CLI's --timeout/--memory and the extension's settings are
 * checked against the same numbers. A value is rounded first, then checked, so `0.4` MB is 0 MB
 * and out of range rather than a limit of nothing.
 */
import pkg from '../../package.json';

export interface SettingRange {
  min: number;
  max: number;
  default: number;
}

const props = pkg.contributes.configuration.properties;

/** `gradtape.timeoutMs` (milliseconds) and `gradtape.memoryMb` (megabytes). */
export const SETTING_RANGES = {
  timeoutMs: { min: props['gradtape.timeoutMs'].minimum, max: props['gradtape.timeoutMs'].maximum, default: props['gradtape.timeoutMs'].default },
  memoryMb: { min: props['gradtape.memoryMb'].minimum, max: props['gradtape.memoryMb'].maximum, default: props['gradtape.memoryMb'].default },
} satisfies Record<string, SettingRange>;

/** A setting's value rounded and brought into its range; anything but a finite number gives the default. */
export function clampSetting(value: unknown, range: SettingRange): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return range.default;
  return Math.min(range.max, Math.max(range.min, Math.round(value)));
}
