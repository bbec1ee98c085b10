/**
 * The idle policy of the host's long-lived helper threads (the bundler thread, the inspect thread):
 * while a request is in flight the thread keeps the process alive; idle, it is unref'd (a CLI
 * process can exit) and ended after `ms` without work.
 */
import type { Worker } from 'node:worker_threads';

export class IdleTimer {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly worker: Worker,
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

  /** The thread ends: no timer may outlive it. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
