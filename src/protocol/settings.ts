/**
 * The run limits' defaults, read from package.json's settings (`gradtape.timeoutMs`,
 * `gradtape.memoryMb`): written once there, used by the runner (src/runner/host/scratchRun.ts),
 * the CLI's help and the extension's settings (src/extension/config.ts).
 */
import { contributes } from '../../package.json';

const settings = contributes.configuration.properties;

/** A run's time limit when none is given. */
export const DEFAULT_TIMEOUT_MS: number = settings['gradtape.timeoutMs'].default;
/** A run's memory limit (MB) when none is given. */
export const DEFAULT_MEMORY_MB: number = settings['gradtape.memoryMb'].default;
