/**
 * The entry of a run's own process (built to dist/runProcess.js; the caller's side is
 * src/runner/host/runProcess.ts). User code never runs in the editor's process: each run (or
 * Python run) gets a process of its own, forked by the caller, whose main thread starts the run
 * thread (dist/worker.js, as before) and relays between it and the caller. The main thread runs no
 * user code, so it stays responsive whatever the run does, and it:
 * - relays the run thread's messages over the IPC channel (structured clone);
 * - mirrors what the run thread writes into shared memory (the probe's position, the dropped console
 *   lines) to the caller, which reads its own copies as it read the thread's before;
 * - watches this process's resident set, so everything the script allocates (Buffers, native
 *   memory, a bundle too large to instrument) counts against the run's limit, and kills the process
 *   when it passes;
 * - kills the process (its group: what the script started, as `execSync`'s shell, too) when the
 *   caller goes away.
 * The caller kills the process at the time limit and on cancellation: a thread blocked in a native
 * call (`execSync('sleep 45')`, `Atomics.wait`) ends with it, at once.
 */
import { Worker } from 'node:worker_threads';
import type { ProcessCommand, ProcessMessage, SharedChanges, SharedSlot } from './shared/processProtocol';
import { watchResidentMemory } from './host/memoryWatchdog';
import { SAMPLE_MS, SAMPLE_SIGNAL } from '../python/protocol';

/** How often the shared memory is read for changes, besides before every relayed message. */
const SYNC_MS = 50;

let worker: Worker | undefined;
let probe: Int32Array | undefined;
let dropped: Int32Array | undefined;
let memoryMb = 0;
let runStarted = false;
const sent = { index: -1, line: 0, column: 0, file: 0, dropped: 0 };

const send = (m: ProcessMessage, then?: () => void): void => {
  if (!process.connected) return die();
  process.send!(m, undefined, undefined, then ? () => then() : undefined);
};

/** Ends this process and its group (the group exists when the caller made this process its leader, on POSIX). */
function die(): never {
  if (process.platform !== 'win32') {
    try {
      process.kill(-process.pid, 'SIGKILL');
    } catch {
      // not a group leader: this process alone
    }
  }
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
}

/** The run thread's shared buffers, made here in place of the caller's (which cannot cross processes). */
function unshare(m: Record<string, unknown>): Record<string, unknown> {
  for (const [key, v] of Object.entries(m)) {
    if (!v || typeof v !== 'object' || !('sharedSlot' in v)) continue;
    const slot = v as SharedSlot;
    const buf = new SharedArrayBuffer(slot.sharedSlot);
    const ints = new Int32Array(buf);
    ints[0] = slot.first;
    m[key] = buf;
    if (key === 'probe') probe = ints;
    else if (key === 'consoleDropped') dropped = ints;
    // Python's interrupt buffer: ask for the current line as src/python/host.ts does in a thread.
    else if (key === 'interrupt') setInterval(() => Atomics.store(ints, 0, SAMPLE_SIGNAL), SAMPLE_MS).unref();
  }
  return m;
}

/** What changed in the shared memory since the last call. */
function changes(): SharedChanges {
  const out: SharedChanges = {};
  if (probe) {
    const index = Atomics.load(probe, 0);
    const at = 1 + 3 * index;
    const ok = index >= 0 && at + 2 < probe.length;
    const line = ok ? Atomics.load(probe, at) : 0;
    const column = ok ? Atomics.load(probe, at + 1) : 0;
    const file = ok ? Atomics.load(probe, at + 2) : 0;
    if (index !== sent.index || line !== sent.line || column !== sent.column || file !== sent.file) {
      Object.assign(sent, { index, line, column, file });
      out.probe = [index, line, column, file];
    }
  }
  const count = dropped ? Atomics.load(dropped, 0) : 0;
  if (count !== sent.dropped) out.dropped = sent.dropped = count;
  return out;
}

/** Sends what changed, if anything did. */
function sync(): void {
  const c = changes();
  if (c.probe || c.dropped !== undefined) send({ t: 'shared', ...c });
}

/** The run begins (a cold run at once; a warm worker's with its first message): memory counts from here. */
function runStarts(): void {
  if (runStarted) return;
  runStarted = true;
  setInterval(sync, SYNC_MS).unref();
  watchResidentMemory(memoryMb, (grownMb) => {
    sync();
    send({ t: 'memory', grownMb }, die);
  });
}

function start(c: Extract<ProcessCommand, { t: 'start' }>): void {
  memoryMb = c.memoryMb;
  const workerData = unshare(c.workerData);
  const w = new Worker(c.workerFile, {
    workerData,
    // Fixed when the thread starts: a warm worker serves runs with the same memory limit only.
    resourceLimits: { maxOldGenerationSizeMb: c.heapMb },
    // The user's console is patched inside the worker; stray output is drained.
    // GRADTAPE_DEBUG=1 lets the worker's own stderr through (debugging the runner itself).
    stdout: true,
    stderr: !c.debug,
  });
  worker = w;
  w.stdout.resume();
  w.stderr?.resume();
  w.once('online', () => send({ t: 'online' }));
  w.on('message', (m: unknown) => send({ t: 'message', m, ...changes() }));
  w.on('error', (e: Error & { code?: string }) => {
    sync();
    send({ t: 'error', name: e.name, message: e.message, ...(e.code ? { code: e.code } : {}) });
  });
  w.on('exit', (code) => {
    sync();
    send({ t: 'exit', code }, () => process.exit(0));
  });
  if (workerData.role === 'run') runStarts();
}

process.on('message', (c: ProcessCommand) => {
  if (c.t === 'start') start(c);
  else if (c.t === 'post' && worker) {
    runStarts();
    worker.postMessage(unshare(c.m));
  }
});
// The caller is gone (it exited, crashed or killed us): nothing of the run may outlive it.
process.on('disconnect', die);
