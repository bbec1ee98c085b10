/**
 * How the runner forks a process of its own bundles (a run's, dist/runProcess.js; the bundler's,
 * dist/bundler.js): one place for what both need.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { compileCacheEnv } from '../shared/cache';

export function forkOwn(file: string, args: string[], execArgv: string[], opts: { detached?: boolean } = {}): ChildProcess {
  return fork(file, args, {
    // The editor's own runtime: in VS Code an Electron binary, which runs as Node with
    // ELECTRON_RUN_AS_NODE (code-server, the CLI and the tests run Node itself).
    execPath: process.execPath,
    // Only these flags, not the caller's (an inspector port, tsx's loader).
    execArgv,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', ...compileCacheEnv() },
    // Structured clones over IPC (typed arrays, Maps), as between threads.
    serialization: 'advanced',
    // GRADTAPE_DEBUG=1 lets the process's own stderr through (debugging the runner itself).
    stdio: ['ignore', 'ignore', process.env.GRADTAPE_DEBUG ? 'inherit' : 'ignore', 'ipc'],
    ...opts,
  });
}
