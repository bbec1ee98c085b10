/**
 * The idle policy of the host's long-lived helpers (the bundler process, the inspect thread): while a
 * request is in flight the helper keeps the caller's process alive; idle, it is unref'd (a CLI
 * process can exit) and ended after `ms` without work.
 */

/** What keeps the caller alive: a Worker, or a child process with its IPC channel. */
export interface Refable {
  ref(): void;
  unref(): void;
}

export class IdleTimer {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly worker: Refable,
    private readonly ms: number,
    private readonly end: () => void,
  ) {}

  /** A request starts. */
  busy(): void {
    this.worker.ref();
    this.stop();
  }

  /** No request is left. */
  idle(): void {
    this.worker.unref();
    this.stop();
    this.timer = setTimeout(this.end, this.ms);
    this.timer.unref();
  }

  /** The helper ends: no timer may outlive it. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
