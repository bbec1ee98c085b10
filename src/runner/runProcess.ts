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
 *
 * After a run that ended normally (didFinish) the caller may ask to 'recycle' the process (Linux):
 * the run's thread is ended and, when the run left nothing behind in the process (see recycle()),
 * the next run's warm thread is this process's: the spare, started beside the run as the run began
 * (the caller's `spare`), so it has loaded the engine by the time the run ends; without a spare, a
 * fresh warm thread starts then. The spare runs nothing but the engine's modules until it gets its
 * own run, which comes only after this run's thread is gone and the process was judged clean. Each
 * run still has a thread of its own; anything else gets a fresh process (and the spare dies with it).
 */
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { WARM_READY, type ProcessCommand, type ProcessMessage, type SharedChanges, type SharedSlot } from './shared/processProtocol';
import { watchResidentMemory } from './host/memoryWatchdog';
import { footprint, type Footprint } from './shared/footprint';
import { SAMPLE_MS, SAMPLE_SIGNAL } from '../python/protocol';

/** How often the shared memory is read for changes, besides before every relayed message. */
const SYNC_MS = 50;
/** A run thread that does not end this soon when asked to (blocked in a native call) ends the process instead. */
const STOP_MS = 500;
/** Resident memory (MB) a recycled process may keep above what it had before its first thread. */
const RECYCLE_RSS_MB = 64;
/** A spare that has not loaded the engine this long after the run ended is not waited for: the process ends instead. */
const SPARE_WAIT_MS = 30_000;

/** One run thread of this process and what the relay keeps for it. */
interface Thread {
  w: Worker;
  probe?: Int32Array;
  dropped?: Int32Array;
  /** Set by the run thread when the script reached past the engine (src/runner/run/runThread.ts): the process is not reused. */
  reached: Int32Array;
  runStarted: boolean;
  /** The run thread posted didFinish: its end is the caller's to decide ('recycle' or a kill). */
  finished: boolean;
  stops: (() => void)[];
  sent: { index: number; line: number; column: number; file: number; dropped: number };
  /** The thread runs JavaScript; a warm thread has loaded the engine (WARM_READY); it ended or failed. */
  online: boolean;
  ready: boolean;
  gone: boolean;
  /** No other thread of this process runs beside it (not a spare). */
  alone: boolean;
  /** Resolves when the thread is ready or gone. */
  settled: Promise<void>;
}

let start: Extract<ProcessCommand, { t: 'start' }> | undefined;
/** The thread whose messages go to the caller: the run's, or the warm thread waiting for it. */
let thread: Thread | undefined;
/** The next run's warm thread, started beside the run (a 'post' with `spare`) and handed on by recycle(). */
let spare: Thread | undefined;
/** What this process had before its first thread (Linux), to tell whether a run left anything behind. */
let baseline: Footprint | undefined;
/**
 * What it had with one warm thread that loaded the engine and no other (the thread measures it itself
 * as it is ready, before any run can come to it): what a recycled process with its spare ready may
 * have. Until it is known, no spare is started.
 */
let withWarm: Footprint | undefined;

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
function unshare(t: Thread, m: Record<string, unknown>): Record<string, unknown> {
  for (const [key, v] of Object.entries(m)) {
    if (!v || typeof v !== 'object' || !('sharedSlot' in v)) continue;
    const slot = v as SharedSlot;
    const buf = new SharedArrayBuffer(slot.sharedSlot);
    const ints = new Int32Array(buf);
    ints[0] = slot.first;
    m[key] = buf;
    if (key === 'probe') t.probe = ints;
    else if (key === 'consoleDropped') t.dropped = ints;
    // Python's interrupt buffer: ask for the current line as src/python/host.ts does in a thread.
    else if (key === 'interrupt') {
      const timer = setInterval(() => Atomics.store(ints, 0, SAMPLE_SIGNAL), SAMPLE_MS).unref();
      t.stops.push(() => clearInterval(timer));
    }
  }
  if (m.role === 'run') m.reached = t.reached.buffer;
  return m;
}

/** What changed in the shared memory since the last call. */
function changes(t: Thread): SharedChanges {
  const out: SharedChanges = {};
  const { probe, dropped, sent } = t;
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
function sync(t: Thread): void {
  const c = changes(t);
  if (c.probe || c.dropped !== undefined) send({ t: 'shared', ...c });
}

/** The run begins (a cold run at once; a warm worker's with its first message): memory counts from here. */
function runStarts(t: Thread): void {
  if (t.runStarted) return;
  t.runStarted = true;
  const timer = setInterval(() => sync(t), SYNC_MS).unref();
  const stopWatch = watchResidentMemory(start!.memoryMb, (grownMb) => {
    sync(t);
    send({ t: 'memory', grownMb }, die);
  }, undefined, () => (spare && withWarm && baseline ? Math.max(0, withWarm.rssMb - baseline.rssMb) : 0));
  t.stops.push(() => clearInterval(timer), stopWatch);
}

function startThread(workerData: Record<string, unknown>, alone = true): Thread {
  const c = start!;
  let settle!: () => void;
  const t: Thread = {
    w: undefined as unknown as Worker,
    reached: new Int32Array(new SharedArrayBuffer(4)),
    runStarted: false,
    finished: false,
    stops: [],
    sent: { index: -1, line: 0, column: 0, file: 0, dropped: 0 },
    online: false,
    ready: false,
    gone: false,
    alone,
    settled: new Promise((resolve) => (settle = resolve)),
  };
  const data = unshare(t, workerData);
  const w = new Worker(c.workerFile, {
    workerData: data,
    // Fixed when the thread starts: a warm worker serves runs with the same memory limit only.
    resourceLimits: { maxOldGenerationSizeMb: c.heapMb },
    // The user's console is patched inside the worker; stray output is drained.
    // GRADTAPE_DEBUG=1 lets the worker's own stderr through (debugging the runner itself).
    stdout: true,
    stderr: !c.debug,
  });
  t.w = w;
  w.stdout.resume();
  w.stderr?.resume();
  // A spare's events are kept until it is the process's thread (recycle()); the run's go to the caller.
  const mine = (): boolean => thread === t;
  w.once('online', () => {
    t.online = true;
    if (mine()) send({ t: 'online' });
  });
  w.on('message', (m: unknown) => {
    const type = (m as { type?: string }).type;
    if (type === WARM_READY) {
      // Once, before anything of a run's runs in the thread (later ones are not the runner's).
      const now = t.ready ? undefined : (m as { footprint?: Footprint }).footprint;
      t.ready = true;
      settle();
      if (t.alone && now) {
        withWarm = withWarm ? { fds: Math.min(withWarm.fds, now.fds), tasks: Math.min(withWarm.tasks, now.tasks), rssMb: Math.min(withWarm.rssMb, now.rssMb) } : now;
      }
      if (mine()) send({ t: 'ready' });
      return;
    }
    if (!mine()) return;
    if (type === 'didFinish') t.finished = true;
    send({ t: 'message', m, ...changes(t) });
  });
  w.on('error', (e: Error & { code?: string }) => {
    t.gone = true;
    settle();
    if (!mine()) return;
    sync(t);
    send({ t: 'error', name: e.name, message: e.message, ...(e.code ? { code: e.code } : {}) });
  });
  w.on('exit', (code) => {
    t.gone = true;
    settle();
    // A thread that finished waits for the caller's word ('recycle', or a kill).
    if (!mine() || t.finished) return;
    sync(t);
    send({ t: 'exit', code }, () => process.exit(0));
  });
  if (data.role === 'run') runStarts(t);
  return t;
}

/**
 * The next run's warm thread, started now, beside the run that just began (Linux, where a process is
 * recycled): it loads the engine while the run goes on. Only once this process's footprint with one
 * warm thread is known (withWarm), so recycle() can still tell what the run left behind.
 */
function startSpare(): void {
  if (!spare && withWarm) spare = startThread({ role: 'warmRun' }, false);
}

/** Whether any thread of this process has a child process (Linux). */
function hasChildren(): boolean {
  try {
    return fs.readdirSync('/proc/self/task').some((tid) => fs.readFileSync(`/proc/self/task/${tid}/children`, 'utf8').trim() !== '');
  } catch {
    return true;
  }
}

/**
 * The caller's run ended with didFinish: end its thread and, when the run left nothing behind in
 * this process (it used the engine only: no module of Node's, no child process, no open file, no
 * thread, no memory kept), hand the caller the next warm thread and say 'recycled': the spare (its
 * own descriptors and thread allowed for), or else a fresh one. Otherwise this process ends, as it
 * would have without recycling.
 */
async function recycle(): Promise<void> {
  const t = thread;
  if (!t || !t.finished || !baseline) return die();
  for (const stop of t.stops) stop();
  sync(t);
  const s = spare;
  // Compared with the process as it was with one loaded warm thread: the spare must be that (a very short run ends first).
  if (s) await Promise.race([s.settled, new Promise((r) => setTimeout(r, SPARE_WAIT_MS).unref())]);
  const stopped = await Promise.race([t.w.terminate().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), STOP_MS))]);
  const now = footprint();
  const was = s ? (s.ready && !s.gone ? withWarm : undefined) : baseline;
  const clean = stopped && Atomics.load(t.reached, 0) === 0 && !!now && !!was && !hasChildren() && now.fds <= was.fds && now.tasks <= was.tasks && now.rssMb <= was.rssMb + RECYCLE_RSS_MB;
  if (!clean) return die();
  spare = undefined;
  thread = s ?? startThread({ role: 'warmRun' });
  send({ t: 'recycled', online: thread.online, ready: thread.ready });
}

process.on('message', (c: ProcessCommand) => {
  if (c.t === 'start') {
    start = c;
    // libuv's thread pool starts with its first request, synchronously: its threads are in the baseline.
    fs.stat(__filename, () => undefined);
    baseline = footprint();
    thread = startThread(c.workerData);
  } else if (c.t === 'post' && thread) {
    runStarts(thread);
    thread.w.postMessage(unshare(thread, c.m));
    if (c.spare) startSpare();
  } else if (c.t === 'recycle') void recycle();
});
// The caller is gone (it exited, crashed or killed us): nothing of the run may outlive it.
process.on('disconnect', die);
