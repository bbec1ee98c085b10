import assert from 'node:assert/strict';
import { formatHover, resolveHover, type HoverQuery } from '../../src/extension/format/hover';
import { TraceIndex } from '../../src/extension/format/traceIndex';
import { squaredDifferenceTrace, trainingLoopTrace, unwatchedTrace, vs } from './traces';

const uri = 'file:///ws/01-squared-difference.grad.ts';

function hover(trace: ReturnType<typeof squaredDifferenceTrace>, q: HoverQuery): string | undefined {
  const index = TraceIndex.of(trace);
  const subject = resolveHover(index, q);
  return subject && formatHover(index, subject, { docUri: uri });
}

describe('derivative hovers', () => {
  it('shows a variable with its value and the derivative of the loss through it', () => {
    const md = hover(squaredDifferenceTrace(), { line: 11, startColumn: 42, endColumn: 49, word: 'weights' })!;
    assert.match(md, /\*\*weights\*\* · Variable · shape=\(2, 1\), dtype=float32/);
    assert.ok(md.includes('weights = [[0.25], [0.15]]'), md);
    assert.ok(md.includes('∂loss/∂weights = [[-0.39999998], [-0.79999995]]'), md);
  });

  it('shows an op call by its column, with the adjoint through it and a Show in graph link', () => {
    const md = hover(squaredDifferenceTrace(), { line: 11, startColumn: 28, endColumn: 34, word: 'matmul' })!;
    assert.match(md, /\*\*output\*\* · MatMul/);
    assert.ok(md.includes('∂loss/∂output = [[-0.4]]'), md);
    const link = /\[Show in graph\]\(command:gradtape\.showInGraph\?([^)]+)\)/.exec(md);
    assert.ok(link, md);
    assert.deepEqual(JSON.parse(decodeURIComponent(link[1])), { uri, nodeId: 10 });
  });

  it('over tape.gradient shows the target and every result', () => {
    const md = hover(squaredDifferenceTrace(), { line: 16, startColumn: 24, endColumn: 32, word: 'gradient' })!;
    assert.match(md, /\*\*tape\.gradient\*\* · 1 source/);
    assert.ok(md.includes('loss = [[0.04]]'), md);
    assert.ok(md.includes('∂loss/∂weights = [[-0.39999998], [-0.79999995]]'), md);
    // The variable holding the result answers the same way.
    const byName = hover(squaredDifferenceTrace(), { line: 17, startColumn: 1, endColumn: 10, word: 'gradients' })!;
    assert.ok(byName.includes('∂loss/∂weights = [[-0.39999998], [-0.79999995]]'), byName);
  });

  it('in a training loop shows the last step and "step k of N"', () => {
    const md = hover(trainingLoopTrace(), { line: 5, startColumn: 7, endColumn: 14, word: 'weights' })!;
    assert.match(md, /step 2 of 0–2/);
    assert.ok(md.includes('weights = [[0.2], [0.5]]'), md);
    assert.ok(md.includes('∂loss/∂weights = [[-0.2], [0.3]]'), md);
    assert.ok(!md.includes('[[1.1], [2.2]]'), 'earlier steps are not shown');
  });

  it('explains a null gradient and links to the line that caused it', () => {
    const md = hover(unwatchedTrace(), { line: 16, startColumn: 24, endColumn: 32, word: 'gradient' })!;
    assert.ok(md.includes('∂loss/∂weights = null'), md);
    assert.ok(md.includes('`∂loss/∂weights` is null: weights is a constant that no tape watched ([line 6](file:///ws/01-squared-difference.grad.ts#L6,18))'), md);
  });

  it('says nothing for words the trace does not know', () => {
    assert.equal(hover(squaredDifferenceTrace(), { line: 3, startColumn: 1, endColumn: 7, word: 'import' }), undefined);
  });

  it('describes the tape at new tf.GradientTape', () => {
    const md = hover(trainingLoopTrace(), { line: 11, startColumn: 23, endColumn: 35, word: 'GradientTape' })!;
    assert.match(md, /\*\*GradientTape tape\*\* · 3 ops recorded · step 2 of 0–2/);
    assert.match(md, /∂loss\/∂weights/);
  });
});

describe('derivative hovers: several gradient calls through one name', () => {
  /** examples/01 with a persistent tape asked twice: ∂loss/∂weights at line 16, again at `line`. */
  function twoCallTrace(line: number, column: number) {
    const t = squaredDifferenceTrace();
    t.tapes[0].persistent = true;
    t.gradients.push({
      ...t.gradients[0], id: 2, pos: { line, column }, resultName: 'again',
      sources: [{ tensorId: 2, name: 'weights', gradient: vs([-0.5, -1], [2, 1]) }],
      adjoints: [{ tensorId: 4, value: vs([-0.5], [1, 1]) }],
    });
    return t;
  }
  const weightsAt = { line: 11, startColumn: 42, endColumn: 49, word: 'weights' };
  const outputAt = { line: 11, startColumn: 28, endColumn: 34, word: 'matmul' };

  it('labels each derivative with the line of its call', () => {
    const md = hover(twoCallTrace(18, 22), weightsAt)!;
    assert.ok(md.includes('∂loss/∂weights (line 16) = [[-0.39999998], [-0.79999995]]'), md);
    assert.ok(md.includes('∂loss/∂weights (line 18) = [[-0.5], [-1.]]'), md);
    // An intermediate's adjoints are labelled the same way.
    const out = hover(twoCallTrace(18, 22), outputAt)!;
    assert.ok(out.includes('∂loss/∂output (line 16) = [[-0.4]]'), out);
    assert.ok(out.includes('∂loss/∂output (line 18) = [[-0.5]]'), out);
  });

  it('adds the column when two calls share a line, and no label for a single call', () => {
    const md = hover(twoCallTrace(16, 60), weightsAt)!;
    assert.ok(md.includes('∂loss/∂weights (line 16:24) = '), md);
    assert.ok(md.includes('∂loss/∂weights (line 16:60) = '), md);
    const one = hover(squaredDifferenceTrace(), weightsAt)!;
    assert.ok(one.includes('∂loss/∂weights = ') && !one.includes('(line'), one);
  });
});

describe('derivative hovers: targets', () => {
  it('a gradient target shows its value but not the trivial ∂loss/∂loss', () => {
    const index = TraceIndex.of(squaredDifferenceTrace());
    const subject = resolveHover(index, { line: 13, startColumn: 18, endColumn: 35, word: 'squaredDifference' })!;
    const md = formatHover(index, subject, { docUri: uri });
    assert.ok(md.includes('loss = [[0.04]]'), md);
    assert.ok(!md.includes('∂loss/∂loss'), md);
  });
});

describe('derivative hovers: unwatched constants', () => {
  it('a constant no tape watched says why it has no derivative', () => {
    const index = TraceIndex.of(squaredDifferenceTrace());
    const subject = resolveHover(index, { line: 11, startColumn: 35, endColumn: 40, word: 'input' })!;
    const md = formatHover(index, subject, { docUri: uri });
    assert.ok(md.includes('input = [[1., 2.]]'), md);
    assert.ok(md.includes('No tape watched `input`, so no gradient flows to it'), md);
    // A watched variable gets no such note.
    const w = formatHover(index, resolveHover(index, { line: 11, startColumn: 42, endColumn: 49, word: 'weights' })!, { docUri: uri });
    assert.ok(!w.includes('No tape watched'), w);
  });
});

describe('derivative hovers: curves', () => {
  it('a loss in a loop shows its trend over the steps', () => {
    const index = TraceIndex.of(trainingLoopTrace());
    const subject = resolveHover(index, { line: 14, startColumn: 20, endColumn: 37, word: 'squaredDifference' })!;
    const md = formatHover(index, subject, { docUri: uri });
    assert.ok(md.includes('loss over 3 steps: 0.21 → 0.1 → 0.05 (min 0.05 at step 3)'), md);
  });
});

describe('derivative hovers: names chosen by the user are text, never Markdown', () => {
  // tf.variable(x, true, NAME) and a tape's name reach the hover; these try to end a code span, close a
  // fence, inject a trusted command link, an autolink, HTML and a heading.
  const HOSTILE = [
    'w`](command:gradtape.showInGraph?%7B%7D) [x](https://evil.example)',
    '```\n[x](command:workbench.action.openSettings)\n```',
    '<img src=x onerror=alert(1)> https://evil.example www.evil.example',
    '``\n\n# heading *em* _em_ ~~~',
  ];

  /**
   * The hover with our own links, bold titles and code removed, then checked for anything Markdown would
   * turn into a link, HTML, emphasis or a new block (a link needs brackets; parentheses alone are text). Escapes and code spans are read left to right as
   * CommonMark does (a run of n backticks ends only at a run of exactly n), so a name that escaped its
   * span or its escaping shows up here.
   */
  function markupOutsideCode(md: string): string[] {
    let s = md
      .replace(/\[Show in graph\]\(command:gradtape\.showInGraph\?[A-Za-z0-9%._~-]+\)/g, '')
      .replace(/ \(\[line \d+\]\(file:\/\/\/ws\/[\w.-]+#L\d+,\d+\)\)/g, '')
      .replace(/^(`{3,})text\n[\s\S]*?\n\1$/gm, ''); // fenced blocks
    let text = '';
    for (let i = 0; i < s.length; ) {
      if (s[i] === '\\' && i + 1 < s.length) {
        i += 2;
      } else if (s[i] === '`') {
        let n = 0;
        while (s[i + n] === '`') n++;
        const close = new RegExp(`(?<!\`)\`{${n}}(?!\`)`, 'g');
        close.lastIndex = i + n;
        const m = close.exec(s);
        if (m) i = m.index + n;
        else {
          text += s.slice(i, i + n);
          i += n;
        }
      } else text += s[i++];
    }
    s = text.replace(/^\*\*([^*]*)\*\*/gm, '$1');
    const found: string[] = [];
    for (const re of [/[[\]<>`*_~#|]/g, /https?:|www\./g, /(?<!\n)\n(?!\n)/g]) for (const m of s.matchAll(re)) found.push(m[0]);
    return found;
  }

  function hostileTrace(name: string) {
    const t = unwatchedTrace();
    const tape = t.tapes[0];
    tape.name = name;
    tape.leaves[1] = { ...tape.leaves[1], name };
    t.gradients[0].sources[0] = { ...t.gradients[0].sources[0], name };
    t.gradients[0].targets[0] = { ...t.gradients[0].targets[0], name };
    t.gradients[0].resultName = undefined;
    return t;
  }

  for (const name of HOSTILE) {
    it(`a source, target and tape named ${JSON.stringify(name.slice(0, 30))}… stay text in every hover`, () => {
      const trace = hostileTrace(name);
      const index = TraceIndex.of(trace);
      const hovers = [
        formatHover(index, { kind: 'gradient', calls: trace.gradients }, { docUri: uri }),
        formatHover(index, { kind: 'tape', tape: trace.tapes[0] }, { docUri: uri }),
        formatHover(index, { kind: 'tensor', ref: index.tensors.get(2)! }, { docUri: uri }),
      ];
      for (const md of hovers) assert.deepEqual(markupOutsideCode(md), [], md);
      // The null-gradient explanation names the source in one code span holding the whole name.
      const nullLine = hovers[0].split('\n\n').find((p) => p.includes(' is null: '))!;
      const span = /^(`+) ?([\s\S]*?) ?\1 is null: /.exec(nullLine);
      assert.ok(span, nullLine);
      assert.equal(span[2], `∂${name}/∂${name}`.replace(/\n+/g, ' '));
    });
  }

  it('a fenced block outlasts any backticks in the values it shows', () => {
    const trace = hostileTrace('a````b');
    const index = TraceIndex.of(trace);
    const md = formatHover(index, { kind: 'tensor', ref: index.tensors.get(2)! }, { docUri: uri });
    assert.match(md, /^`````text\n/m);
    assert.deepEqual(markupOutsideCode(md), [], md);
  });
});
