/**
 * The panel's entry point: builds the page, says `ready`, and renders each run the host sends.
 * UI-only state (tab, step, selection, smoothing) survives reloads through vscode.setState.
 */
import 'uplot/dist/uPlot.min.css';
import './panel.css';
import { assertNever, type HostToPanel, type InspectAnswer, type InspectQuery, type PanelRun } from '../src/protocol/panel';
import type { SourcePos, Trace } from '../src/protocol/trace';
import { thinnedText } from '../src/protocol/traceQueries';
import { joinTrace, restMismatch } from '../src/protocol/panelParts';
import { buildGraph, gradientsFor, maxStep, nodesAtLine, searchNodes, tapesAtStep, type Graph } from './model/graphModel';
import { counted, formatBytes, formatNum } from './model/format';
import { detailedSteps, nearestDetailed, stepRanges, stepSpoken, stepText } from './model/steps';
import { viewGraphFor, type ViewGraph } from './model/repeats';
import { foldLayers, scopeResultNames } from './model/layers';
import { addChainBreaks } from './model/breaks';
import { addReferences } from './model/references';
import { InspectClient } from './model/inspectClient';
import { loadState, onMessage, post, saveState } from './messaging';
import { h, themeColor } from './dom';
import { fontWarmup } from './fontWarmup';
import { ensureContrast } from './model/contrast';
import { GraphView } from './views/graphView';
import { Minimap } from './views/minimap';
import { renderInspector } from './views/inspector';
import { CurvesView } from './views/curves';
import { renderConsole } from './views/consoleView';
import { WalkthroughView } from './views/walkthrough';
import { renderGroupSummary } from './views/groupView';

type Tab = 'graph' | 'backward' | 'curves' | 'console';
const TABS: { id: Tab; label: string }[] = [
  { id: 'graph', label: 'Graph' },
  { id: 'backward', label: 'Backward pass' },
  { id: 'curves', label: 'Curves' },
  { id: 'console', label: 'Console' },
];

const persisted = loadState();
const state = {
  uri: persisted.uri ?? (document.body.dataset.uri || undefined),
  fileName: '',
  run: null as PanelRun | null,
  tab: (TABS.some((t) => t.id === persisted.tab) ? persisted.tab : 'graph') as Tab,
  step: persisted.step ?? 0,
  selected: persisted.selectedNode as number | undefined,
  /** Which gradient call on the drawn tapes; -1: the last one (for nested tapes, the outermost result). */
  gradIndex: -1,
  /** The full graph of the step (inspector, walkthrough, search use it). */
  graph: undefined as Graph | undefined,
  /** What is drawn: the graph with repeated runs folded into groups, unless opened. */
  view: undefined as ViewGraph | undefined,
  /** Keys of folded groups the user opened. */
  expanded: new Set<string>(),
  cursorLine: 0,
  /** A large run came in two parts and the rest is on its way: which run, and its tapes still stubs. */
  pending: undefined as { uri: string; startedAt: string; tapes: number[]; requestedNode?: number } | undefined,
};

/** Runs this small are kept in the webview's state, so a window reload can show them again. */
const PERSIST_MAX_NODES = 2000;
const PERSIST_MAX_CHARS = 1_000_000;
let persistedRun: PanelRun | undefined = persisted.run;
/** A run to keep once its size in characters is known: measured when the state is next saved, not before the first frame. */
let runToMeasure: PanelRun | undefined;

function keepRun(run: PanelRun | null): void {
  if (!run) return;
  const nodes = run.trace.tapes.reduce((n, t) => n + t.nodes.length + t.leaves.length, 0);
  persistedRun = undefined;
  runToMeasure = nodes <= PERSIST_MAX_NODES ? run : undefined;
}

function keptRun(): PanelRun | undefined {
  if (runToMeasure) {
    persistedRun = JSON.stringify(runToMeasure).length <= PERSIST_MAX_CHARS ? runToMeasure : undefined;
    runToMeasure = undefined;
  }
  return persistedRun;
}

let persistTimer: ReturnType<typeof setTimeout> | undefined;
/** Saves UI state, debounced: arrow-keying through nodes should not re-serialise a kept run each time. */
function persist(): void {
  clearTimeout(persistTimer);
  persistTimer = setTimeout(persistNow, 250);
}

function persistNow(): void {
  saveState({ uri: state.uri, tab: state.tab, selectedNode: state.selected, step: state.step, smoothing: curves.smoothing, logScale: curves.logScale, minimap: minimap.on, run: keptRun() });
}

// Coming back to the panel (Ctrl+2, a click on its tab) puts the keyboard focus where it was, e.g. on
// the graph after Enter revealed a line in the editor, rather than at the top of the page.
let lastFocused: HTMLElement | undefined;
document.addEventListener('focusin', (e) => {
  if (e.target instanceof HTMLElement && e.target !== document.body) lastFocused = e.target;
});
window.addEventListener('focus', () => {
  if ((document.activeElement === document.body || !document.activeElement) && lastFocused?.isConnected && !lastFocused.closest('[hidden]')) lastFocused.focus();
});

window.addEventListener('error', (e) => post({ type: 'reportError', message: `${e.message} (${e.filename}:${e.lineno})` }));
window.addEventListener('unhandledrejection', (e) => post({ type: 'reportError', message: String(e.reason) }));

// ---------- layout of the page ----------
const app = document.getElementById('app')!;
const header = h('header', { class: 'top' });
const tabList = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'GradTape views' });
const stepBar = h('div', { class: 'steps', role: 'group', 'aria-label': 'training step' });
const tapeBar = h('div', { class: 'tapebar' });
const graphPane = h('div', { class: 'graph-pane', id: 'pane-graph' });
const sidePane = h('div', { class: 'side-pane' });
const inspectorEl = h('div', { class: 'inspector', role: 'region', 'aria-label': 'node inspector' });
const main = h('div', { class: 'main', role: 'tabpanel' }, graphPane, sidePane);
const consoleEl = h('div', { class: 'console-pane', role: 'tabpanel', 'aria-label': 'console' });
const curvesPane = h('div', { class: 'curves-pane', role: 'tabpanel', 'aria-label': 'loss curves' });
const emptyEl = h('div', { class: 'empty-run' });
app.append(header, h('div', { class: 'bar' }, tabList, stepBar), tapeBar, main, curvesPane, consoleEl, emptyEl);
document.body.append(fontWarmup());

/** The drawn node that shows a base node (a folded group for its members), and back. */
const toView = (i: number | undefined) => (i === undefined || !state.view ? i : state.view.viewOf[i] >= 0 ? state.view.viewOf[i] : undefined);
/** A drawn node's base node (notes drawn where a chain breaks have none). */
const toBase = (i: number | undefined) => (i === undefined ? undefined : state.view && state.view.baseOf[i] >= 0 ? state.view.baseOf[i] : undefined);
const graphView = new GraphView({
  onSelect: (i) => {
    const n = i !== undefined ? state.view?.nodes[i] : undefined;
    if (n?.group) showGroup(i!);
    else if (n?.note) showNote(i!);
    else select(toBase(i), false);
  },
  onReveal: (i) => {
    const pos = state.view?.nodes[i]?.pos;
    if (pos) reveal(pos);
  },
  onExpand: (key) => expandGroup(key),
});

/** Opens a folded group: its ops are drawn one by one (the graph is laid out again). */
function expandGroup(key: string, thenSelect?: number): void {
  const members = state.view?.nodes.find((n) => n.group?.key === key)?.group?.members;
  state.expanded.add(key);
  rebuild(false);
  // Show the opened ops legibly: the one asked for, else the group's last op (next to the target,
  // where the gradient is largest); Fit shows all of them.
  const at = thenSelect ?? members?.filter((m) => state.graph?.nodes[m]?.kind === 'op').pop();
  if (at !== undefined) select(at, true);
}

/** Folds every opened group again. */
function foldAll(): void {
  state.expanded.clear();
  state.selected = undefined;
  rebuild(false);
}

/** The inspector for a chain-break note: the runner's sentence, and the line where it happened. */
function showNote(i: number): void {
  const n = state.view!.nodes[i];
  state.selected = undefined;
  graphView.setSelected(i, false);
  inspectorEl.replaceChildren(h('div', { class: 'insp-head' }, h('h2', null, n.title), n.pos ? h('button', { class: 'link', onclick: () => reveal(n.pos!) }, `line ${n.pos.line}`) : null),
    h('p', { class: n.note!.role === 'break' ? 'warn' : '' }, n.note!.message));
}

/** The inspector for a folded group: what it holds, its gradient along the iterations, and how to open it. */
function showGroup(i: number): void {
  const n = state.view!.nodes[i];
  const g = n.group!;
  state.selected = undefined;
  graphView.setSelected(i, false);
  inspectorEl.replaceChildren(renderGroupSummary(n, { open: () => expandGroup(g.key), reveal }));
}
const search = h('input', { type: 'search', placeholder: 'Search nodes (name, op, :line)', 'aria-label': 'search nodes', class: 'search' });
const searchCount = h('span', { class: 'dim num', 'aria-live': 'polite' });
let matches: number[] = [];
let matchAt = -1;
function runSearch(): void {
  matches = state.graph ? searchNodes(state.graph, search.value) : [];
  matchAt = -1;
  graphView.setMatches(viewIndices(matches));
  searchCount.textContent = search.value.trim() ? `${matches.length} found` : '';
}
search.addEventListener('input', runSearch);
search.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') {
    // Clears the query and its highlights; the focus stays in the box. (Not left to the browser's
    // own clearing of search inputs, which does not always fire `input`.)
    if (search.value) {
      e.preventDefault();
      e.stopPropagation();
      search.value = '';
      runSearch();
    }
    return;
  }
  if (e.key !== 'Enter' || !matches.length) return;
  matchAt = (matchAt + (e.shiftKey ? -1 : 1) + matches.length) % matches.length;
  searchCount.textContent = `${matchAt + 1} of ${matches.length}`;
  revealBase(matches[matchAt]);
});
/** Drawn indices for base indices (a folded group once for all its members). */
function viewIndices(base: number[]): number[] {
  return [...new Set(base.map((i) => toView(i)).filter((i): i is number => i !== undefined))];
}

/** Selects a base node, opening the folded group it is in first (search and the editor find any node). */
function revealBase(i: number): void {
  const v = toView(i);
  const n = v !== undefined ? state.view?.nodes[v] : undefined;
  if (n?.group) expandGroup(n.group.key, i);
  else select(i, true);
}

const legend = h('div', { class: 'legend', 'aria-label': 'edge colours: gradient magnitude, log scale' },
  h('span', { class: 'dim' }, 'gradient'),
  ...[0, 1, 2, 3, 4].map((i) => h('span', { class: `swatch heat${i}`, 'aria-hidden': 'true' })),
  h('span', { class: 'dim', title: 'Edge width and colour grow with |gradient| on a log scale; dashed edges carry no gradient.' }, 'small → large (log) · dashed: none'));
// The minimap sits over the graph's lower right corner (in the pane, not in .graph, whose canvas is the graph's).
// Its Map button (minimap.button) says whether it is on, and why it is hidden when it is.
const minimap = new Minimap(graphView, persisted.minimap ?? true, persist);
const graphTools = h('div', { class: 'graph-tools', role: 'toolbar', 'aria-label': 'graph tools' },
  h('button', { onclick: () => graphView.fit(), title: 'Fit the graph (0)', 'aria-label': 'fit' }, 'Fit'),
  h('button', { onclick: () => graphView.zoomBy(1.25), title: 'Zoom in (+)', 'aria-label': 'zoom in' }, '+'),
  h('button', { onclick: () => graphView.zoomBy(0.8), title: 'Zoom out (−)', 'aria-label': 'zoom out' }, '−'),
  minimap.button, search, searchCount, legend);
graphPane.append(graphTools, graphView.el, minimap.canvas);

const walk = new WalkthroughView((i) => graphView.setWalkFocus(toView(i)));
const curves = new CurvesView({
  smoothing: persisted.smoothing ?? 0.6,
  logScale: persisted.logScale ?? false,
  step: undefined,
  onSelectStep: (s) => selectStepFromCurve(s),
  onReveal: (line) => reveal({ line, column: 1 }),
});
curves.el.addEventListener('settings', persist);
/** Shown instead of the curves and the console while the rest of a large run is on its way. */
const restNote = () => h('p', { class: 'dim rest-pending', role: 'status' }, 'The rest of the run is on its way…');
curvesPane.append(curves.el);

// ---------- tabs ----------
const tabButtons = TABS.map((t, i) => {
  const b = h('button', { role: 'tab', id: `tab-${t.id}`, 'aria-controls': `view-${t.id}`, onclick: () => setTab(t.id) }, t.label);
  b.addEventListener('keydown', (e) => {
    const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!d) return;
    const next = TABS[(i + d + TABS.length) % TABS.length];
    setTab(next.id);
    tabButtons[TABS.indexOf(next)].focus();
  });
  return b;
});
tabList.append(...tabButtons);

function setTab(tab: Tab): void {
  state.tab = tab;
  tabButtons.forEach((b, i) => {
    const on = TABS[i].id === tab;
    b.setAttribute('aria-selected', String(on));
    b.tabIndex = on ? 0 : -1;
  });
  main.hidden = !(tab === 'graph' || tab === 'backward');
  main.id = `view-${tab}`;
  curvesPane.hidden = tab !== 'curves';
  consoleEl.hidden = tab !== 'console';
  curvesPane.id = 'view-curves';
  consoleEl.id = 'view-console';
  sidePane.replaceChildren(tab === 'backward' ? walk.el : inspectorEl);
  if (tab === 'backward') walk.activate();
  else graphView.setWalkFocus(undefined);
  if (tab === 'curves') curves.render();
  persist();
}

// ---------- rendering ----------
function reveal(pos: SourcePos): void {
  post({ type: 'revealSource', pos });
}

const inspector = new InspectClient();

/** Asks the engine about the graph shown (its gradient call, with the tapes drawn beside it). */
function askEngine(): ((query: InspectQuery) => Promise<InspectAnswer>) | undefined {
  const g = state.graph;
  const run = state.run;
  if (!g || !run) return undefined;
  const target = { uri: run.uri, startedAt: run.trace.startedAt, gradientId: g.gradient?.id ?? null, tapeIds: g.tapes.map((t) => t.id) };
  return (query) => inspector.ask(target, query);
}

function select(i: number | undefined, center: boolean): void {
  state.selected = i;
  graphView.setSelected(toView(i), center);
  renderInspector(inspectorEl, state.graph, i, { reveal, select: (j) => select(j, true), ask: askEngine() });
  persist();
}

function renderHeader(trace: Trace | undefined): void {
  header.replaceChildren();
  const title = h('h1', null, state.fileName || 'GradTape');
  if (!trace) {
    header.append(title);
    return;
  }
  const s = trace.stats;
  header.append(title,
    h('span', { class: trace.ok ? 'status ok' : 'status error' }, trace.ok ? '✓ ran' : `✗ ${trace.error?.kind ?? 'failed'}`),
    h('span', { class: 'dim num' }, `${formatNum(trace.durationMs, 4)} ms · ${s.tapes} tape${s.tapes === 1 ? '' : 's'} · ${s.recordedOps} of ${s.ops} ops recorded · ${s.gradientCalls} gradient call${s.gradientCalls === 1 ? '' : 's'}${s.droppedSteps ? ` · ${s.droppedSteps} steps kept as scalars only` : ''}`));
  // A long run's trace is thinned to its row budget: say so, with where on hover.
  const thinned = thinnedText(trace);
  if (thinned) header.append(h('span', { class: 'dim', title: (trace.thinned ?? []).map((th) => `${th.dropped} ${th.what === 'steps' ? `steps of ${th.name ?? 'tape'}${th.pos ? ` (line ${th.pos.line})` : ''}` : `points of ${th.name ?? 'a curve'}`} between steps ${th.fromStep} and ${th.toStep}`).join('\n') }, ` · ${thinned}`));
  if (trace.error) header.append(h('p', { class: 'error', role: 'alert' }, `${trace.error.name}: ${trace.error.message} `, trace.error.pos ? h('button', { class: 'link', onclick: () => reveal(trace.error!.pos!) }, `line ${trace.error.pos.line}`) : null));
}

// The scrubber is built once per run and updated in place, so the slider or a ◀ ▶ button keeps the
// keyboard focus while stepping (rebuilding it would drop focus to the page at every step).
const prevStep = h('button', { onclick: () => setStep(state.step - 1), 'aria-label': 'previous step', title: 'Previous step' }, '◀');
const nextStep = h('button', { onclick: () => setStep(state.step + 1), 'aria-label': 'next step', title: 'Next step' }, '▶');
// Steps are TensorFlow's, from 0, in the slider, its spoken value, the labels and the curves.
const stepRange = h('input', { type: 'range', min: '0', step: '1', 'aria-label': 'training step', oninput: () => setStep(Number(stepRange.value)) });
/** Ticks under the slider at the steps that kept a graph (the others kept scalars only). */
const stepMarks = h('div', { class: 'step-marks', 'aria-hidden': 'true' });
const stepSlider = h('div', { class: 'step-slider' }, stepRange, stepMarks);
const stepText_ = h('span', { class: 'num step-label', 'aria-live': 'polite' });
const stepNote = h('span', { class: 'dim step-note', 'aria-live': 'polite' });

function renderSteps(trace: Trace): void {
  const max = maxStep(trace);
  if (max === 0) {
    stepBar.replaceChildren();
    return;
  }
  if (!stepBar.childElementCount) stepBar.append(prevStep, stepSlider, nextStep, stepText_, stepNote);
  stepRange.max = String(max);
  stepRange.value = String(state.step);
  stepRange.setAttribute('aria-valuetext', stepSpoken(state.step, max));
  const kept = detailedSteps(trace);
  const all = kept.length === max + 1;
  stepMarks.replaceChildren(...(all ? [] : kept.map((s) => {
    const m = h('span', { 'data-step': String(s) });
    // Under the thumb's centre: the thumb (14 px) travels the track's width less its own.
    m.style.left = `calc(${(s / max) * 100}% + ${7 - (14 * s) / max}px)`;
    return m;
  })));
  stepSlider.title = all ? '' : `Steps with a graph: ${stepRanges(kept)} (the others kept scalars only)`;
  // A button that becomes disabled under the keyboard focus hands it to the slider, not to the page.
  const hadFocus = document.activeElement;
  prevStep.disabled = state.step <= 0;
  nextStep.disabled = state.step >= max;
  if ((hadFocus === prevStep && prevStep.disabled) || (hadFocus === nextStep && nextStep.disabled)) stepRange.focus();
  stepText_.textContent = stepText(state.step, max);
  stepNote.textContent = all || kept.includes(state.step) ? '' : 'scalars only';
}

/** A click on a curve: the nearest step that kept a graph, and a sentence saying which. */
function selectStepFromCurve(step: number): string | undefined {
  const trace = state.run?.trace;
  if (!trace) return undefined;
  const kept = detailedSteps(trace);
  const target = kept.includes(step) ? step : nearestDetailed(kept, step);
  if (target === undefined) {
    setStep(step);
    return `step ${step} selected (no step of this run kept a graph)`;
  }
  setStep(target);
  return target === step ? `step ${step} selected` : `step ${step} kept scalars only: showing step ${target}, the nearest with a graph`;
}

function renderTapeBar(trace: Trace, tapes: Trace['tapes'], grads: Trace['gradients']): void {
  tapeBar.replaceChildren();
  const steps = maxStep(trace) + 1;
  for (const t of tapes) {
    tapeBar.append(h('span', { class: 'chip', title: `Tape ${t.id}${t.parentId !== undefined ? `, nested in tape ${t.parentId}` : ''}` },
      h('strong', null, t.name ?? 'tape'), t.pos ? ` line ${t.pos.line}` : '', t.parentId !== undefined ? ' · nested' : '', t.persistent ? ' · persistent' : '',
      steps > 1 ? ` · ${stepText(t.step, steps - 1)}` : '', h('span', { class: 'num' }, ` · ${counted(t.nodeCount, 'op')} · ${formatBytes(t.bytes)}`), t.detailed ? '' : ' · scalars only',
      t.truncated ? h('span', { class: 'warn', title: 'The run’s detail budget ran out: only the first recorded nodes are drawn.' }, ` · first ${t.nodes.length} drawn`) : ''));
  }
  if (grads.length > 1) {
    const sel = h('select', { 'aria-label': 'gradient call', onchange: () => { state.gradIndex = Number(sel.value); rebuild(true); } });
    grads.forEach((g, i) => sel.append(h('option', { value: String(i), selected: i === state.gradIndex }, `${g.kind}(${g.targets.map((t) => t.name ?? 'target').join(', ')} → ${g.sources.map((s) => s.name ?? 'source').join(', ')})${g.pos ? ` line ${g.pos.line}` : ''}`)));
    tapeBar.append(h('label', null, 'gradient: ', sel));
  }
  if (state.expanded.size) {
    const layers = [...state.expanded].some((k) => k.startsWith('layer:'));
    tapeBar.append(h('button', { onclick: foldAll, title: layers ? 'Draw each layer’s call as one box again' : 'Draw repeated runs of ops as one group again' }, layers ? 'Fold layers' : 'Fold repeats'));
  }
  if (!tapes.some((t) => t.detailed) && tapes.length) tapeBar.append(h('span', { class: 'warn' }, 'This step kept scalars only (the runner’s step budget); pick another step for the graph.'));
}

/** Structure key: same nodes and edges means the previous positions still fit (scrubbing steps). */
const shapeKey = (g: Graph) => `${g.nodes.map((n) => `${n.op}${n.inputs.join('.')}`).join(',')}`;

function rebuild(keepView: boolean): void {
  const trace = state.run?.trace;
  if (!trace) return;
  const tapes = tapesAtStep(trace, state.step);
  const grads = gradientsFor(trace, tapes);
  if (state.gradIndex < 0 || state.gradIndex >= grads.length) state.gradIndex = grads.length - 1;
  const prev = state.view;
  // The tape bar first: its height is the graph pane's, which the graph is laid out and fitted for.
  renderTapeBar(trace, tapes, grads);
  // A new run's pane is measured before its graph is built: the page's style and layout, forced by
  // the measure, cost less then (10,000 nodes: about 7 ms rather than 9 after the model's allocations).
  if (!prev) graphView.measure();
  const graph = buildGraph(tapes, grads[state.gradIndex], scopeResultNames(trace.scopes));
  // Keras layer calls fold into one box each (layers.ts); other graphs fold repeated runs of ops.
  const view = addReferences(addChainBreaks(foldLayers(graph, trace.scopes, state.expanded) ?? viewGraphFor(graph, state.expanded).view));
  const reuse = !!prev && prev.nodes.length === view.nodes.length && shapeKey(prev) === shapeKey(view);
  if (reuse) view.nodes.forEach((n, i) => ((n.x = prev.nodes[i].x), (n.y = prev.nodes[i].y), (n.w = prev.nodes[i].w), (n.h = prev.nodes[i].h)));
  state.graph = graph;
  state.view = view;
  graphView.setGraph(view, reuse && keepView, reuse);
  if (state.pending && tapes.some((t) => state.pending!.tapes.includes(t.id))) tapeBar.append(h('span', { class: 'dim', role: 'status' }, 'This step is drawn when the rest of the run arrives…'));
  if (state.selected !== undefined && state.selected >= graph.nodes.length) state.selected = undefined;
  graphView.setHighlighted(viewIndices(nodesAtLine(graph, state.cursorLine)));
  matches = search.value.trim() ? searchNodes(graph, search.value) : [];
  graphView.setMatches(viewIndices(matches));
  select(state.selected, false);
  walk.set(graph, askEngine());
  if (state.tab === 'backward') walk.activate();
}

function setStep(step: number): void {
  const trace = state.run?.trace;
  if (!trace) return;
  const s = Math.max(0, Math.min(Math.round(step), maxStep(trace)));
  if (s === state.step) return;
  state.step = s;
  renderSteps(trace);
  rebuild(true);
  curves.setStep(maxStep(trace) > 0 ? s : undefined);
  persist();
}

function loadRun(msg: Extract<HostToPanel, { type: 'didLoadRun' }>): void {
  const t0 = performance.now();
  // The wall clock when the message reached the page: the e2e's breakdown (host post → page) reads it.
  const stamps = document.body.dataset;
  stamps.receivedAt = String(Date.now());
  stamps.sentAt = String(msg.sentAt);
  stamps.commandAt = msg.timing ? String(msg.timing.commandAt) : '';
  stamps.tracedAt = msg.timing ? String(msg.timing.tracedAt) : '';
  const sameDoc = msg.uri === state.uri;
  const hadRun = !!state.run;
  if (!sameDoc) {
    // The editor panel follows the active file: the page's data attributes describe the file it shows now.
    document.body.dataset.uri = msg.uri ?? '';
    delete document.body.dataset.rendered;
  }
  state.uri = msg.uri ?? undefined;
  state.fileName = msg.fileName;
  // After a window reload the host has no run yet: show the one this page kept, and say so.
  const kept = keptRun();
  const restored = !msg.run && kept && kept.uri === msg.uri ? kept : undefined;
  state.run = msg.run ?? restored ?? null;
  state.pending = msg.run && msg.rest ? { uri: msg.run.uri, startedAt: msg.run.trace.startedAt, tapes: msg.rest.pendingTapes } : undefined;
  // A first part is not kept for a window reload: the whole run is, once its rest is in.
  if (msg.run && !msg.rest) keepRun(msg.run);
  else if (!restored) persistedRun = runToMeasure = undefined;
  state.graph = undefined;
  state.view = undefined;
  if (!sameDoc) state.expanded.clear();
  inspector.reset();
  const trace = state.run?.trace;
  renderHeader(trace);
  if (restored) header.append(h('p', { class: 'dim restored' }, 'Shown from before the window reload; run Compute Gradients to refresh.'));
  emptyEl.replaceChildren();
  document.body.classList.toggle('no-run', !trace);
  if (!trace) {
    emptyEl.append(h('p', null, msg.uri ? `No run yet for ${msg.fileName}.` : 'Open a .grad.ts scratch file.'),
      h('p', { class: 'dim' }, 'Run “GradTape: Compute Gradients” (Ctrl+Alt+G) to see its tape, values and gradients here.'));
    tabList.hidden = true;
    markRendered(msg.sentAt, performance.now() - t0, 0);
    return;
  }
  tabList.hidden = false;
  const max = maxStep(trace);
  if (!sameDoc) state.selected = undefined;
  state.gradIndex = -1;
  // A new page shows the last step (where training ended), unless it restored a chosen step.
  state.step = sameDoc && (hadRun || persisted.step !== undefined) ? Math.min(state.step, max) : max;
  renderSteps(trace);
  // Nothing selected: the inspector's words are known before the graph is, and in a narrow pane,
  // where the inspector stacks below the graph, they set the graph's height (measured in rebuild).
  if (state.selected === undefined) select(undefined, false);
  // The graph pane is measured once, in rebuild (after the tape bar above it is filled in): a
  // measure here too forced the page's layout twice before the first frame.
  rebuild(false);
  graphView.drawNow();
  curves.setStep(max > 0 ? state.step : undefined);
  if (state.pending) {
    curves.el.hidden = true;
    curvesPane.querySelector('.rest-pending')?.remove();
    curvesPane.append(restNote());
    consoleEl.replaceChildren(restNote());
  } else fillCurvesAndConsole(trace);
  setTab(state.tab);
  persist();
  markRendered(msg.sentAt, performance.now() - t0, (state.graph as Graph | undefined)?.nodes.length ?? 0, state.pending ? 'first' : undefined);
}

function fillCurvesAndConsole(trace: Trace): void {
  curvesPane.querySelector('.rest-pending')?.remove();
  curves.el.hidden = false;
  curves.setCurves(trace.curves);
  renderConsole(consoleEl, trace, reveal);
}

/**
 * The rest of a large run: joined to the first part, then only what it changes is drawn again (the
 * step bar's ticks, curves, console; the graph only when the step shown was waiting for it), so the
 * view, the selection and the inspector stay as the person left them.
 */
function loadRest(msg: Extract<HostToPanel, { type: 'didLoadRunRest' }>): void {
  const p = state.pending, run = state.run;
  if (!p || !run || msg.uri !== p.uri || msg.startedAt !== p.startedAt) return; // the rest of a run no longer shown
  const bad = restMismatch(run.trace, p.tapes, msg.rest);
  if (bad) {
    post({ type: 'reportError', message: `the rest of the run does not fit its first part (${bad}); run Compute Gradients again` });
    return;
  }
  const t0 = performance.now();
  const waited = tapesAtStep(run.trace, state.step).some((t) => p.tapes.includes(t.id));
  state.pending = undefined;
  const trace = joinTrace(run.trace, msg.rest);
  state.run = { ...run, trace };
  keepRun(state.run);
  renderSteps(trace);
  if (waited) rebuild(false);
  fillCurvesAndConsole(trace);
  if (p.requestedNode !== undefined) showRequestedNode(p.requestedNode);
  persist();
  markRendered(msg.sentAt, performance.now() - t0, (state.graph as Graph | undefined)?.nodes.length ?? 0, 'rest');
}

/**
 * Tells the host (which logs run-to-panel time) and the page's data attributes (tests, benchmarks):
 * `rendered` counts first screens drawn, `complete` runs drawn whole (a large run's rest filled in).
 */
function markRendered(sentAt: number, drawMs: number, nodes: number, part?: 'first' | 'rest'): void {
  const body = document.body.dataset;
  const bump = (k: 'rendered' | 'complete') => (body[k] = String(Number(body[k] ?? 0) + 1));
  if (part === 'rest') {
    body.restMs = drawMs.toFixed(1);
    body.completeAt = String(Date.now());
    bump('complete');
    post({ type: 'reportRendered', sentAt, drawMs, nodes, part });
    return;
  }
  delete body.restMs; // set again when this run's rest is filled in
  body.drawMs = drawMs.toFixed(1);
  body.runToPanelMs = String(Date.now() - sentAt);
  // The wall clock at the end of the draw: the e2e's keypress → graph drawn (test/e2e/userClock.e2e.ts).
  body.drawnAt = String(Date.now());
  body.nodes = String(nodes);
  bump('rendered');
  if (!part) {
    body.completeAt = body.drawnAt;
    bump('complete');
  }
  post({ type: 'reportRendered', sentAt, drawMs, nodes, ...(part ? { part } : {}) });
}

function findNode(trace: Trace, nodeId: number): number | undefined {
  return trace.tapes.find((t) => t.nodes.some((n) => n.id === nodeId))?.step;
}

function showRequestedNode(nodeId: number): void {
  const trace = state.run?.trace;
  if (!trace) return;
  const step = findNode(trace, nodeId);
  // A node of a tape still on its way: shown when the rest arrives.
  if (step === undefined && state.pending) {
    state.pending.requestedNode = nodeId;
    return;
  }
  if (step !== undefined && step !== state.step) setStep(step);
  const i = state.graph?.byNodeId.get(nodeId);
  if (state.tab !== 'graph') setTab('graph');
  if (i !== undefined) revealBase(i);
}

onMessage((msg) => {
  switch (msg.type) {
    case 'didLoadRun':
      loadRun(msg);
      break;
    case 'didMoveCursor':
      if (msg.uri !== state.uri) break;
      state.cursorLine = msg.line;
      if (state.graph) graphView.setHighlighted(viewIndices(nodesAtLine(state.graph, msg.line)));
      break;
    case 'didLoadRunRest':
      // After the first part's frame is on screen: a message already queued would otherwise run first.
      requestAnimationFrame(() => setTimeout(() => loadRest(msg), 0));
      break;
    case 'didRequestNode':
      showRequestedNode(msg.nodeId);
      break;
    case 'didInspect':
      inspector.answered(msg);
      break;
    default:
      assertNever(msg);
  }
});

/**
 * Text and scale colours held to WCAG AA on the panel's background, as CSS variables (--gt-*): theme
 * colours alone do not always reach it ("passed" green is pale on Light Modern's white).
 */
function applyThemeColors(): void {
  const p = graphView.palette;
  const bg = themeColor('--vscode-editor-background', '#1e1e1e');
  const set = (k: string, v: string) => document.body.style.setProperty(k, v);
  set('--gt-ok', ensureContrast(themeColor('--vscode-testing-iconPassed', themeColor('--vscode-charts-green', '#89d185')), bg));
  set('--gt-warn', p.warn);
  set('--gt-error', p.error);
  set('--gt-dim', p.dim);
  set('--gt-text', p.text);
  p.heat.forEach((c, i) => set(`--gt-heat${i}`, c));
}
applyThemeColors();

// The body's class names the theme (vscode-dark, vscode-light, …); other classes (no-run) are not a theme change.
const themeOf = () => [...document.body.classList].filter((c) => c.startsWith('vscode-')).join(' ');
let theme = themeOf();
new MutationObserver(() => {
  if (themeOf() === theme) return;
  theme = themeOf();
  graphView.themeChanged();
  applyThemeColors();
  if (state.tab === 'curves') curves.render();
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

setTab(state.tab); // also saves the state, so a reload before the first run still knows its file
document.body.classList.add('no-run');
tabList.hidden = true;
post({ type: 'ready' });
