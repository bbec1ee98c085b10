import assert from 'node:assert/strict';
import { clipText, escapeControl, utf8Length } from '../../src/format/text';

describe('format/text: a program\'s text made safe to show', () => {
  it('clips to a byte budget at a character boundary and says how much was cut', () => {
    assert.equal(clipText('short', 10), 'short');
    const cut = clipText('a'.repeat(100), 40);
    assert.ok(utf8Length(cut) <= 40);
    assert.match(cut, /^a+… \((\d+) more bytes\)$/);
    assert.equal(cut.indexOf('…') + Number(/\((\d+) more/.exec(cut)![1]), 100);
    for (const ch of ['é', '€', '😀']) {
      const c = clipText(ch.repeat(1000), 101);
      assert.ok(utf8Length(c) <= 101, ch);
      assert.ok(!c.includes('\ufffd'), 'no broken characters');
      const kept = c.slice(0, c.indexOf('…'));
      assert.equal(kept, ch.repeat([...kept].length), 'whole characters kept');
      assert.equal(utf8Length(kept) + Number(/\((\d+) more/.exec(c)![1]), utf8Length(ch.repeat(1000)));
    }
  });

  it('counts UTF-8 bytes as Buffer does', () => {
    for (const s of ['', 'abc', 'é€😀', 'x'.repeat(100) + '😀'.repeat(50) + '\ud800', 'y'.repeat(30) + '\ud800é\udc00a']) assert.equal(utf8Length(s), Buffer.byteLength(s), JSON.stringify(s.slice(0, 10)));
  });

  it('escapes C0 (but tab and newline), DEL and C1 controls', () => {
    assert.equal(escapeControl('\x1b[31mred\r\n\tx\x00\x7f\x9b'), '\\x1b[31mred\\x0d\n\tx\\x00\\x7f\\x9b');
    assert.equal(escapeControl('plain — ü'), 'plain — ü');
  });
});
