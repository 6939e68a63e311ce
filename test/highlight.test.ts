import { expect, fixture, html } from '@open-wc/testing';
import type { AiChat } from '../src/ai-chat.js';
import { highlight } from '../src/render/highlight.js';
import { DONE, openAiEvent, scenario, until } from './helpers.js';

const code = (el: AiChat) => el.shadowRoot!.querySelectorAll('.message .content')[1]?.querySelector('pre code');

describe('highlight() (the optional highlighter)', () => {
  it('loses nothing: the tokens join back to the code, in every language it knows', () => {
    const samples: Array<[string, string]> = [
      ['js', 'const a = "x\\"y"; // note\nlet b = 42.5e3 /* block */ + `t`;'],
      ['python', "def f(x):\n    return x or None  # comment\nprint('hi', 3)"],
      ['sql', 'SELECT id FROM users WHERE name = \'a\' -- c'],
      ['bash', 'if [ -f x ]; then echo "ok"; fi # done'],
      ['json', '{"a": [1, true, null]}'],
      ['css', '.a { color: red; } /* x */'],
      ['brainfuck', '++[>+<-]'],
      ['js', 'unterminated "string\nnext line'],
    ];
    for (const [lang, text] of samples) {
      expect(highlight(text, lang).map((t) => t.text).join(''), lang).to.equal(text);
    }
  });

  it('marks keywords, strings, comments, numbers and literals', () => {
    const typeOf = (tokens: ReturnType<typeof highlight>, text: string) => tokens.find((t) => t.text === text)?.type;
    const js = highlight('const s = "hi"; // c\nreturn 42 || null', 'ts');
    expect([typeOf(js, 'const'), typeOf(js, '"hi"'), typeOf(js, '// c'), typeOf(js, '42'), typeOf(js, 'null')]).to.deep.equal([
      'keyword', 'string', 'comment', 'number', 'literal',
    ]);
    expect(typeOf(highlight('select 1', 'sql'), 'select')).to.equal('keyword');
    expect(typeOf(highlight('x = 1 # c', 'py'), '# c')).to.equal('comment');
    expect(highlight('anything at all', 'klingon')).to.deep.equal([{ text: 'anything at all' }]);
  });
});

describe('code highlighting in the element', () => {
  it('is off by default: code blocks are plain text', async () => {
    const flow = await scenario({ chunks: [openAiEvent('```js\nconst a = 1;\n```'), DONE] });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}></ai-chat>`);
    await el.send('q');
    expect(code(el)!.querySelector('span')).to.equal(null);
    expect(code(el)!.textContent).to.equal('const a = 1;\n');
  });

  it('colours a code block once it is finished, and leaves it plain while it streams', async () => {
    const flow = await scenario({
      chunks: [openAiEvent('```js\nconst a = "s"; // c\n'), { text: openAiEvent('return 1;\n```\nDone.'), delay: 300 }, DONE],
    });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}></ai-chat>`);
    el.highlighter = highlight;
    const sending = el.send('q');
    await until(() => code(el)?.textContent === 'const a = "s"; // c\n', 'the open fence');
    expect(code(el)!.querySelector('span')).to.equal(null);
    await sending;
    const spans = [...code(el)!.querySelectorAll('span')].map((s) => [s.className, s.textContent]);
    expect(spans).to.deep.include.members([
      ['tok-keyword', 'const'],
      ['tok-string', '"s"'],
      ['tok-comment', '// c'],
      ['tok-keyword', 'return'],
      ['tok-number', '1'],
    ]);
    expect(code(el)!.textContent).to.equal('const a = "s"; // c\nreturn 1;\n');
    expect(getComputedStyle(code(el)!.querySelector('.tok-keyword')!).color).to.not.equal(getComputedStyle(code(el)!).color);
  });

  it('never lets a highlighter add markup or classes of its own', async () => {
    const flow = await scenario({ chunks: [openAiEvent('```x\nabc\n```'), openAiEvent('\n\n```y\ndef\n```'), DONE] });
    const el = await fixture<AiChat>(html`<ai-chat endpoint=${flow.url}></ai-chat>`);
    (window as unknown as { __pwned?: number }).__pwned = 0;
    el.highlighter = (text, lang) => {
      if (lang === 'y') throw new Error('broken highlighter');
      return [
        { text: '<img src=x onerror="window.__pwned=1">', type: 'keyword' },
        { text, type: 'evil" onclick="window.__pwned=2' as 'keyword' },
      ];
    };
    await el.send('q');
    const blocks = [...el.shadowRoot!.querySelectorAll('.message pre code')];
    expect(blocks[0]!.querySelector('img')).to.equal(null);
    expect(blocks[0]!.textContent).to.equal('<img src=x onerror="window.__pwned=1">abc\n');
    expect([...blocks[0]!.querySelectorAll('span')].map((s) => s.getAttribute('class'))).to.deep.equal(['tok-keyword']);
    // A highlighter that throws leaves its block plain.
    expect(blocks[1]!.textContent).to.equal('def\n');
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(0);
  });
});
