/** The script's output, its error and the run's diagnostics, with clickable file:line links. */
import type { SourcePos, Trace } from '../../src/protocol/trace';
import { splitFileRefs } from '../../src/protocol/fileRefs';
import { h } from '../dom';

export function renderConsole(el: HTMLElement, trace: Trace | undefined, reveal: (pos: SourcePos) => void): void {
  el.replaceChildren();
  if (!trace) return;
  const linkify = (text: string) =>
    splitFileRefs(text, trace.file).map((p) => (p.pos ? h('button', { class: 'link', title: 'Reveal in the editor', onclick: () => reveal(p.pos!) }, p.text) : p.text));
  const posLink = (pos?: SourcePos) => (pos ? h('button', { class: 'link pos', onclick: () => reveal(pos) }, `${pos.file ? pos.file.split('/').pop() + ':' : 'line '}${pos.line}`) : h('span', { class: 'pos' }, ''));
  const list = h('ol', { class: 'console', 'aria-label': 'console output' });
  for (const c of trace.console) list.append(h('li', { class: `lvl-${c.level}` }, posLink(c.pos), levelTag(c.level), h('pre', null, ...linkify(c.text))));
  if (trace.error) {
    const e = trace.error;
    list.append(h('li', { class: 'lvl-error', role: 'alert' }, posLink(e.pos), h('pre', null, `${e.name}: ${e.message}`, e.stack ? '\n' : '', ...(e.stack ? linkify(e.stack) : []))));
  }
  if (!list.children.length) list.append(h('li', { class: 'dim' }, 'The script printed nothing.'));
  el.append(h('h3', null, 'Output'), list);
  if (trace.diagnostics.length) {
    const d = h('ol', { class: 'console', 'aria-label': 'diagnostics' });
    for (const x of trace.diagnostics) d.append(h('li', { class: `lvl-${x.severity === 'info' ? 'info' : x.severity === 'warning' ? 'warn' : 'error'}` }, posLink(x.pos), h('pre', null, `${x.code}: `, ...linkify(x.message))));
    el.append(h('h3', null, 'Diagnostics'), d);
  }
}

/** Warnings and errors say so in words as well as in colour (high-contrast themes, screen readers). */
function levelTag(level: string) {
  return level === 'error' || level === 'warn' ? h('span', { class: `lvl-tag ${level === 'error' ? 'error' : 'warn'}` }, level === 'error' ? 'error' : 'warning') : null;
}
