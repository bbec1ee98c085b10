/**
 * A run worker in a process of its own (src/runner/runProcess.ts is the other side), with the
 * part of worker_threads' Worker that the runner uses (postMessage, terminate, ref/unref and the
 * 'online' / 'message' / 'error' / 'exit' events), plus 'memory'. The run's thread still runs
 * dist/worker.js; it lives in a forked process, so
 * - what the script allocates (heap, Buffers, native memory) is that process's, never the editor's:
 *   the process measures its own resident set and dies past the run's budget ('memory');
 * - terminate() kills the process (SIGKILL, its whole group on POSIX), so a run blocked in a
 *   native call (`execSync`, `Atomics.wait`) ends at once, and nothing of it is left.
 * Messages cross as structured clones (`serialization: 'advanced'`). SharedArrayBuffers in
 * workerData and postMessage are mirrored (src/runner/shared/processProtocol.ts): the caller keeps
 * reading its own probe and console counter.
 */
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { ProcessCommand, ProcessMessage, SharedChanges, SharedSlot } from '../shared/processProtocol';
import { heapLimitMb } from './memoryWatchdog';
import { forkOwn } from './forkOwn';

/** The run process's entry: dist/runProcess.js next to dist/worker.js. */
export const runProcessFile = (workerFile: string): string => path.join(path.dirname(workerFile), 'runProcess.js');

/** Own process group on POSIX, so the run's own children (execSync's shell) die with it. */
const GROUP = process.platform !== 'win32';

export class RunProcess extends EventEmitter {
  private readonly child: ChildProcess;
  private readonly shared = new Map<string, SharedArrayBuffer>();
  private exited = false;
  /** Handed back by release(): the process is no longer this object's. */
  private released = false;
  private resolveGone!: () => void;
  private readonly gone = new Promise<void>((resolve) => (this.resolveGone = resolve));
  private readonly onMessage = (m: ProcessMessage): void => this.receive(m);
  private readonly onExit = (code: number | null): void => {
    this.resolveGone();
    this.ended(code ?? 1);
  };
  private readonly onError = (e: Error): void => this.failed(e);
  /** The thread runs JavaScript ('online'); a warm thread has loaded the engine ('ready'). */
  online = false;
  ready = false;

  /** `adopt`: a process whose previous run ended and which handed on its next warm thread (release()), as far as that thread got. */
  constructor(workerFile: string, memoryMb: number, workerData: object, adopted?: { child: ChildProcess; online: boolean; ready: boolean }) {
    super();
    const adopt = adopted?.child;
    this.online = !!adopted?.online;
    this.ready = !!adopted?.ready;
    const debug = !!process.env.GRADTAPE_DEBUG;
    this.child = adopt ?? forkOwn(runProcessFile(workerFile), [], [`--max-old-space-size=${heapLimitMb(memoryMb)}`], { detached: GROUP });
    this.child.on('message', this.onMessage);
    this.child.once('exit', this.onExit);
    // The process could not be started (or a send failed after it died): the run fails as a thread would.
    this.child.on('error', this.onError);
    if (!adopt) this.command({ t: 'start', workerFile, workerData: this.share(workerData), heapMb: heapLimitMb(memoryMb), memoryMb, debug });
  }

  /**
   * The run ended with didFinish: this object says nothing more, and the process is asked to
   * recycle itself (src/runner/runProcess.ts). Resolves to a warm worker on the same process (a
   * fresh thread), or undefined when the process would not be reused (it exits, or it is killed).
   * Only on Linux, where the process can tell what a run left behind; elsewhere it is killed.
   */
  release(workerFile: string, memoryMb: number): Promise<RunProcess | undefined> {
    if (process.platform !== 'linux' || !this.child.connected) {
      void this.terminate();
      this.detach();
      return Promise.resolve(undefined);
    }
    this.detach();
    this.released = true;
    const child = this.child;
    return new Promise((resolve) => {
      const onMessage = (m: ProcessMessage): void => {
        if (m.t !== 'recycled') return;
        done();
        resolve(new RunProcess(workerFile, memoryMb, {}, { child, online: m.online, ready: m.ready }));
      };
      const onGone = (): void => {
        done();
        resolve(undefined);
      };
      const done = (): void => {
        child.off('message', onMessage);
        child.off('exit', onGone);
        child.off('error', onGone);
      };
      child.on('message', onMessage);
      child.once('exit', onGone);
      child.once('error', onGone);
      this.command({ t: 'recycle' });
    });
  }

  /** This object no longer listens to its process (release). */
  private detach(): void {
    this.exited = true;
    this.child.off('message', this.onMessage);
    this.child.off('exit', this.onExit);
    this.child.off('error', this.onError);
  }

  /** The run process's id (undefined if it could not be started). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** `spare`: this is a run's data; start the next run's warm thread beside it (src/runner/runProcess.ts). */
  postMessage(m: object, opts: { spare?: boolean } = {}): void {
    this.command({ t: 'post', m: this.share(m), ...(opts.spare ? { spare: true } : {}) });
  }

  /** Kills the process (and its group) at once; resolves when it is gone. */
  terminate(): Promise<number> {
    if (this.released) return Promise.resolve(1);
    if (this.child.exitCode === null && this.child.signalCode === null) {
      // Until it is gone, an idle (unref'd) process keeps the caller alive too, so the promise settles.
      this.child.ref();
      try {
        if (GROUP && this.child.pid) process.kill(-this.child.pid, 'SIGKILL');
        else this.child.kill('SIGKILL');
      } catch {
        this.child.kill('SIGKILL');
      }
    }
    return this.gone.then(() => 1);
  }

  /** The process keeps the caller alive (a run in flight). */
  ref(): void {
    this.child.ref();
    this.child.channel?.ref();
  }

  /** An idle (warm) process never keeps the caller alive (the CLI, the tests). */
  unref(): void {
    this.child.unref();
    this.child.channel?.unref();
  }

  private command(c: ProcessCommand): void {
    if (this.child.connected) this.child.send(c, (e) => e && this.failed(e));
  }

  /** SharedArrayBuffers cannot cross processes: each goes as a slot, and this side keeps the buffer. */
  private share(m: object): Record<string, unknown> {
    const out: Record<string, unknown> = { ...m };
    for (const [key, v] of Object.entries(out)) {
      if (!(v instanceof SharedArrayBuffer)) continue;
      this.shared.set(key, v);
      out[key] = { sharedSlot: v.byteLength, first: new Int32Array(v)[0] } satisfies SharedSlot;
    }
    return out;
  }

  private receive(m: ProcessMessage): void {
    switch (m.t) {
      case 'online':
        this.online = true;
        return void this.emit('online');
      case 'ready':
        this.ready = true;
        return void this.emit('ready');
      case 'message':
        this.mirror(m);
        return void this.emit('message', m.m);
      case 'shared':
        return this.mirror(m);
      case 'error':
        return this.failed(Object.assign(new Error(m.message), { name: m.name, ...(m.code ? { code: m.code } : {}) }));
      case 'exit':
        return this.ended(m.code);
      case 'memory':
        return void this.emit('memory', m.grownMb);
      case 'recycled':
        return;
    }
  }

  /** The run thread's writes to shared memory, into this side's buffers. */
  private mirror({ probe, dropped }: SharedChanges): void {
    const buf = probe && this.shared.get('probe');
    if (probe && buf) {
      const [index, line, column, file] = probe;
      const slots = new Int32Array(buf);
      const at = 1 + 3 * index;
      if (index >= 0 && at + 2 < slots.length) {
        Atomics.store(slots, at, line);
        Atomics.store(slots, at + 1, column);
        Atomics.store(slots, at + 2, file);
      }
      Atomics.store(slots, 0, index);
    }
    const counter = dropped !== undefined && this.shared.get('consoleDropped');
    if (counter) Atomics.store(new Int32Array(counter), 0, dropped!);
  }

  private failed(e: Error): void {
    // As a Worker's: an 'error' no one listens to must not throw in the caller.
    if (this.listenerCount('error')) this.emit('error', e);
  }

  /** The run thread exited (its code), or the process did: 'exit' once, as a Worker's. */
  private ended(code: number): void {
    if (this.exited) return;
    this.exited = true;
    this.emit('exit', code);
  }
}
