/**
 * The Python runtime's modules, as text: esbuild's `text` loader puts them in dist/worker.js, and
 * the Python worker writes them into Pyodide's file system at start (src/python/runThread.ts).
 */
import gradtapeRun from './_gradtape_run.py';
import gradtapeStubs from './_gradtape_stubs.py';
import matplotlib from './matplotlib/__init__.py';
import pyplot from './matplotlib/pyplot.py';
import numpy from './numpy/__init__.py';
import tensorflow from './tensorflow/__init__.py';

export const RUNTIME_FILES: Record<string, string> = {
  '_gradtape_run.py': gradtapeRun,
  '_gradtape_stubs.py': gradtapeStubs,
  'tensorflow/__init__.py': tensorflow,
  'numpy/__init__.py': numpy,
  'matplotlib/__init__.py': matplotlib,
  'matplotlib/pyplot.py': pyplot,
};
