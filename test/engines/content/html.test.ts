import { analyseHtml } from '../../../functions/src/engines/content/html';

const FILLER = 'the quarterly report lists seven gardens and twelve bridges across the northern river valley '.repeat(6);

describe('HTML analysis', () => {
  it('separates visible from hidden text and says how it was hidden', () => {
    const facts = analyseHtml(
      `<p>Your invoice is ready.</p>
       <div style="display:none">${FILLER}</div>
       <span style="font-size:1px">${FILLER}</span>
       <p><font color="#FFFFFF">${FILLER}</font></p>`,
      10_000,
    );
    expect(facts.visibleText).toBe('Your invoice is ready.');
    expect(facts.hiddenChars).toBeGreaterThan(3 * 500);
    expect(facts.hidingMethods).toEqual(['display:none', 'font-size:1px', 'text colour equals background']);
    expect(facts.hiddenSample).toContain('quarterly report');
  });

  it('applies hiding class rules, but not to classes a stylesheet also shows (responsive swaps)', () => {
    const css = '<style>.x{display:none} @media (max-width:600px){ .mobile{display:block !important} } .mobile{display:none}</style>';
    const hidden = analyseHtml(`${css}<div class="x">${FILLER}</div><p>Hello</p>`, 10_000);
    expect(hidden.hiddenChars).toBeGreaterThan(400);
    expect(hidden.hidingMethods).toEqual(['display:none']);
    const responsive = analyseHtml(`${css}<div class="mobile">${FILLER}</div>`, 10_000);
    expect(responsive.hiddenChars).toBe(0);
    expect(responsive.visibleText).toContain('quarterly report');
  });

  it('does not call white text on a painted background hidden', () => {
    const facts = analyseHtml(
      `<table bgcolor="#003366"><tr><td><font color="#ffffff">${FILLER}</font></td></tr></table>
       <div style="background-image:url(x.png)"><span style="color:#fff">${FILLER}</span></div>`,
      10_000,
    );
    expect(facts.hiddenChars).toBe(0);
  });

  it('counts images but not tracking pixels, and collects script from elements and handlers', () => {
    const facts = analyseHtml(
      '<img src="a.png" width="600"><img src="p.gif" width="1" height="1"><script>var a = atob("eA==");</script><body onload="go()">',
      10_000,
    );
    expect(facts.images).toBe(2);
    expect(facts.visibleImages).toBe(1);
    expect(facts.script).toContain('atob(');
    expect(facts.script).toContain('go()');
    expect(facts.visibleText).toBe('');
  });

  it('keeps text of unclosed and stray tags and stays bounded on deep nesting', () => {
    const deep = `${'<div>'.repeat(5000)}deep text${'</div>'.repeat(10)}</span></p>tail`;
    const started = Date.now();
    const facts = analyseHtml(deep, 1000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(facts.truncated).toBe(true);
    expect(facts.visibleText).toContain('deep text');
    expect(facts.visibleText).toContain('tail');
  });

  it('caps the visible text', () => {
    expect(analyseHtml(`<p>${'word '.repeat(1000)}</p>`, 50).visibleText.length).toBeLessThanOrEqual(50);
  });
});
