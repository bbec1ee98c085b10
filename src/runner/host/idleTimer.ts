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
  /** The helper ended or is ending (retire()): the next request needs a new one. */
  dead = false;

  /** `end`: stop the helper (after `ms` idle); `onDead`: it is no longer the one to use (once). */
  constructor(
    private readonly worker: Refable,
    private readonly ms: number,
    private readonly end: () => void,
    private readonly onDead: () => void,
  ) {}

  /** A request ended: with none left (`pending` 0) the helper goes idle. */
  settle(pending: number): void {
    if (pending === 0 && !this.dead) this.idle();
  }

  /** The helper ends (it failed, or is stopped): no timer outlives it, and its owner forgets it. */
  retire(): void {
    this.stop();
    if (this.dead) return;
    this.dead = true;
    this.onDead();
  }

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
