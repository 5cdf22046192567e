import { Tokenizer } from 'htmlparser2';

/** Elements whose content is never shown as text. */
const HIDDEN_CONTENT = new Set(['script', 'style', 'title', 'template', 'noframes', 'xmp']);

/** Elements that start on a new line when rendered. */
const BLOCK_ELEMENTS = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'caption', 'dd', 'div', 'dl', 'dt', 'fieldset',
  'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li',
  'main', 'nav', 'ol', 'p', 'pre', 'section', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul',
]);

/**
 * Plain text from HTML, for HTML-only mail. Uses htmlparser2's Tokenizer rather than its
 * Parser: the Parser keeps open elements in an array it unshifts, which is quadratic in the
 * nesting depth, while the tokenizer is linear and needs no element stack for this job.
 * Entities are decoded; script, style and title content is left out (not the whole head: an
 * unclosed `<head>` is common and would hide the body); block elements become
 * line breaks. Output stops at `maxChars`.
 */
export function htmlToText(html: string, maxChars: number): string {
  const pieces: string[] = [];
  let length = 0;
  let hiddenTag = '';
  let tagName = '';
  let closing = false;

  const push = (text: string): void => {
    if (length >= maxChars || hiddenTag) return;
    pieces.push(text);
    length += text.length;
  };
  const lineBreak = (): void => {
    if (length < maxChars) {
      pieces.push('\n');
      length++;
    }
  };

  const tokenizer = new Tokenizer(
    { decodeEntities: true },
    {
      ontext(start, end) {
        push(html.slice(start, end).replace(/[\s\u00a0]+/g, ' '));
      },
      ontextentity(codepoint) {
        push(String.fromCodePoint(codepoint).replace(/\u00a0/g, ' '));
      },
      onopentagname(start, end) {
        tagName = html.slice(start, end).toLowerCase();
        closing = false;
        if (!hiddenTag && HIDDEN_CONTENT.has(tagName)) hiddenTag = tagName;
        if (BLOCK_ELEMENTS.has(tagName)) lineBreak();
      },
      onclosetag(start, end) {
        tagName = html.slice(start, end).toLowerCase();
        closing = true;
        if (hiddenTag === tagName) hiddenTag = '';
        else if (BLOCK_ELEMENTS.has(tagName)) lineBreak();
      },
      onselfclosingtag() {
        // `<script/>` does not open a hidden section.
        if (!closing && hiddenTag === tagName) hiddenTag = '';
      },
      onattribdata() {},
      onattribentity() {},
      onattribend() {},
      onattribname() {},
      oncdata() {},
      oncomment() {},
      ondeclaration() {},
      onend() {},
      onopentagend() {},
      onprocessinginstruction() {},
    },
  );
  tokenizer.write(html);
  tokenizer.end();

  return pieces
    .join('')
    .slice(0, maxChars)
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
