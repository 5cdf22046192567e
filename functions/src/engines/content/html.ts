import { Tokenizer } from 'htmlparser2';

/** What one pass over the HTML body tells the analysers. */
export interface HtmlFacts {
  /** Text a reader sees (bounded), block elements as line breaks. */
  visibleText: string;
  /** Characters of text inside hidden elements (not bounded by the text cap). */
  hiddenChars: number;
  hiddenWords: number;
  /** How text was hidden, e.g. "display:none", "font-size:1px", "white on white" (distinct, bounded). */
  hidingMethods: string[];
  /** The start of the hidden text, for evidence. */
  hiddenSample: string;
  /** `<img>` elements (including tracking pixels). */
  images: number;
  /** `<img>` elements that are not tiny tracking pixels. */
  visibleImages: number;
  /** Script source inside `<script>` elements and `on*` handlers (bounded). */
  script: string;
  /** HTML was cut short by the element or size bounds. */
  truncated: boolean;
}

const VOID_ELEMENTS = new Set([
  'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr',
]);
const BLOCK_ELEMENTS = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'caption', 'dd', 'div', 'dl', 'dt', 'fieldset', 'figcaption',
  'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p',
  'pre', 'section', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul',
]);
/** Content never rendered as text. */
const NON_TEXT_ELEMENTS = new Set(['script', 'style', 'title', 'head', 'template', 'noscript', 'xmp', 'noframes']);

/** Attributes the analysis reads (plus `on*` handlers); others are not even copied. */
const READ_ATTRIBUTES = new Set(['style', 'class', 'hidden', 'width', 'height', 'color', 'bgcolor', 'background']);

const MAX_DEPTH = 256;
const MAX_SCRIPT_CHARS = 200_000;
const MAX_STYLE_CHARS = 200_000;
const HIDDEN_SAMPLE_CHARS = 160;

interface OpenElement {
  tag: string;
  hidden: boolean;
  color: string;
  background: string;
}

interface ElementStyle {
  hiddenBy: string | null;
  color: string | null;
  background: string | null;
}

/**
 * Walks the HTML once with htmlparser2's tokenizer, keeping its own bounded element stack
 * (the tokenizer is linear; htmlparser2's Parser is quadratic in nesting depth). Inline styles
 * and simple class rules from `<style>` decide what is hidden; a class that a `<style>` rule
 * also shows (responsive layouts swap blocks in media queries) is not counted as hidden.
 */
export function analyseHtml(html: string, maxTextChars: number): HtmlFacts {
  const classRules = classRulesOf(html);
  const facts: HtmlFacts = {
    visibleText: '',
    hiddenChars: 0,
    hiddenWords: 0,
    hidingMethods: [],
    hiddenSample: '',
    images: 0,
    visibleImages: 0,
    script: '',
    truncated: false,
  };
  const visible: string[] = [];
  let visibleLength = 0;
  // White unless a stylesheet paints backgrounds we do not resolve ('' never equals a colour).
  const page = classRules.paintsBackground ? '' : '#ffffff';
  const stack: OpenElement[] = [{ tag: '#root', hidden: false, color: '#000000', background: page }];
  let nonText = '';
  let tag = '';
  let closing = false;
  let attributes: Record<string, string> = {};
  let attributeName = '';
  let attributeValue = '';
  let scriptLength = 0;

  const top = (): OpenElement => stack[stack.length - 1] as OpenElement;
  const noteMethod = (method: string): void => {
    if (facts.hidingMethods.length < 5 && !facts.hidingMethods.includes(method)) facts.hidingMethods.push(method);
  };
  const addText = (text: string): void => {
    if (nonText === 'script') {
      if (scriptLength < MAX_SCRIPT_CHARS) {
        facts.script += text.slice(0, MAX_SCRIPT_CHARS - scriptLength);
        scriptLength = facts.script.length;
      }
      return;
    }
    if (nonText) return;
    const element = top();
    if (element.hidden) {
      const trimmed = text.replace(/[\s\u00a0]+/g, ' ');
      if (trimmed.trim() === '') return;
      facts.hiddenChars += trimmed.trim().length;
      facts.hiddenWords += trimmed.split(' ').filter((word) => /[\p{L}\p{N}]{2,}/u.test(word)).length;
      if (facts.hiddenSample.length < HIDDEN_SAMPLE_CHARS) facts.hiddenSample += trimmed;
      return;
    }
    if (visibleLength >= maxTextChars) return;
    const piece = text.replace(/[\s\u00a0]+/g, ' ');
    visible.push(piece);
    visibleLength += piece.length;
  };
  const lineBreak = (): void => {
    // One break for a run of block boundaries: empty nested blocks must not use up the text cap.
    if (visibleLength < maxTextChars && !top().hidden && !nonText && visible[visible.length - 1] !== '\n') {
      visible.push('\n');
      visibleLength++;
    }
  };

  const openElement = (): void => {
    if (BLOCK_ELEMENTS.has(tag)) lineBreak();
    if (tag === 'img') {
      facts.images++;
      if (!isTrackingPixel(attributes)) facts.visibleImages++;
    }
    if (NON_TEXT_ELEMENTS.has(tag)) {
      if (!nonText) nonText = tag;
      return;
    }
    if (VOID_ELEMENTS.has(tag)) return;
    if (stack.length >= MAX_DEPTH) {
      facts.truncated = true;
      return;
    }
    const parent = top();
    const style = styleOf(attributes, classRules);
    const color = style.color ?? parent.color;
    const background = style.background ?? parent.background;
    let hidden = parent.hidden;
    if (!hidden && style.hiddenBy !== null) {
      hidden = true;
      noteMethod(style.hiddenBy);
    }
    if (!hidden && style.color !== null && color !== '' && color === background) {
      hidden = true;
      noteMethod('text colour equals background');
    }
    stack.push({ tag, hidden, color, background });
  };

  const closeElement = (name: string): void => {
    if (nonText) {
      if (name === nonText) nonText = '';
      return;
    }
    if (BLOCK_ELEMENTS.has(name)) lineBreak();
    // Close up to the nearest open element of that name; a stray end tag closes nothing.
    for (let index = stack.length - 1; index > 0 && index >= stack.length - 32; index--) {
      if ((stack[index] as OpenElement).tag === name) {
        stack.length = index;
        return;
      }
    }
  };

  const tokenizer = new Tokenizer(
    { decodeEntities: true },
    {
      ontext(start, end) {
        addText(html.slice(start, end));
      },
      ontextentity(codepoint) {
        addText(String.fromCodePoint(codepoint));
      },
      onopentagname(start, end) {
        tag = html.slice(start, end).toLowerCase();
        closing = false;
        attributes = {};
      },
      onattribname(start, end) {
        const name = html.slice(start, end).toLowerCase();
        attributeName = READ_ATTRIBUTES.has(name) || name.startsWith('on') ? name : '';
        attributeValue = '';
      },
      onattribdata(start, end) {
        if (attributeName !== '' && attributeValue.length < 4096) attributeValue += html.slice(start, end);
      },
      onattribentity(codepoint) {
        if (attributeName !== '' && attributeValue.length < 4096) attributeValue += String.fromCodePoint(codepoint);
      },
      onattribend() {
        if (attributeName.startsWith('on')) {
          // Event handlers are script too.
          if (scriptLength < MAX_SCRIPT_CHARS) {
            facts.script += `\n${attributeValue.slice(0, MAX_SCRIPT_CHARS - scriptLength)}`;
            scriptLength = facts.script.length;
          }
        } else if (attributeName !== '' && !(attributeName in attributes)) attributes[attributeName] = attributeValue;
        attributeName = '';
      },
      onopentagend() {
        if (!closing) openElement();
      },
      onselfclosingtag() {
        if (closing) return;
        const wasVoid = VOID_ELEMENTS.has(tag);
        openElement();
        // `<div/>` opens nothing that needs closing; `<script/>` opens no script section.
        if (!wasVoid && !NON_TEXT_ELEMENTS.has(tag) && top().tag === tag) stack.pop();
        if (nonText === tag) nonText = '';
      },
      onclosetag(start, end) {
        closing = true;
        closeElement(html.slice(start, end).toLowerCase());
      },
      oncdata() {},
      oncomment() {},
      ondeclaration() {},
      onend() {},
      onprocessinginstruction() {},
    },
  );
  tokenizer.write(html);
  tokenizer.end();
  facts.visibleText = visible
    .join('')
    .slice(0, maxTextChars)
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return facts;
}

function isTrackingPixel(attributes: Record<string, string>): boolean {
  const width = Number.parseInt(attributes.width ?? '', 10);
  const height = Number.parseInt(attributes.height ?? '', 10);
  if ((Number.isFinite(width) && width <= 3) || (Number.isFinite(height) && height <= 3)) return true;
  const style = (attributes.style ?? '').toLowerCase();
  return /(?:^|;)\s*(?:width|height)\s*:\s*[0-3](?:px)?\s*(?:;|$)/.test(style) || /display\s*:\s*none/.test(style);
}

interface ClassRules {
  hidden: Map<string, string>;
  shown: Set<string>;
  /** Some class rule paints a background: the page colour is then unknown without full CSS. */
  paintsBackground: boolean;
}

/**
 * `.name { ... }` rules of `<style>` blocks: which classes hide, which show, whether any paints
 * a background. Scanned with indexOf, not regexes: a CSS-shaped regex backtracks quadratically
 * on long unbalanced input.
 */
function classRulesOf(html: string): ClassRules {
  const rules: ClassRules = { hidden: new Map(), shown: new Set(), paintsBackground: false };
  const styleTag = /<style[^>]{0,200}>/gi;
  const styleEnd = /<\/style/gi;
  let budget = MAX_STYLE_CHARS;
  for (let open = styleTag.exec(html); open !== null && budget > 0; open = styleTag.exec(html)) {
    styleEnd.lastIndex = styleTag.lastIndex;
    const close = styleEnd.exec(html);
    const end = close === null ? html.length : close.index;
    const css = html.slice(styleTag.lastIndex, Math.min(end, styleTag.lastIndex + budget)).toLowerCase();
    budget -= css.length;
    readRules(css, rules);
    styleTag.lastIndex = end;
  }
  return rules;
}

/** Reads `selector { declarations }` pairs, also inside one level of `@media … { … }`. */
function readRules(css: string, rules: ClassRules): void {
  let position = 0;
  for (let end = css.indexOf('}', position); end >= 0; end = css.indexOf('}', position)) {
    const block = css.slice(position, end);
    position = end + 1;
    const brace = block.lastIndexOf('{');
    if (brace < 0) continue;
    const declarations = block.slice(brace + 1);
    const before = block.slice(0, brace);
    const selectorText = before.slice(before.lastIndexOf('{') + 1);
    const selectors = [...selectorText.matchAll(/\.([a-z0-9_-]+)/g)].map((match) => match[1] as string);
    if (selectors.length === 0) continue;
    if (declarations.includes('background')) rules.paintsBackground = true;
    const hiddenBy = hidingDeclaration(declarations);
    const shows = SHOWING_DECLARATION.test(declarations);
    for (const name of selectors) {
      if (hiddenBy !== null) rules.hidden.set(name, hiddenBy);
      if (shows) rules.shown.add(name);
    }
  }
}

const SHOWING_DECLARATION =
  /(?:^|;)\s*(?:display\s*:\s*(?:block|inline|table|flex|inline-block|table-cell|table-row)|max-height\s*:\s*none|visibility\s*:\s*visible|font-size\s*:\s*(?:[3-9]|[1-9]\d))/;

function styleOf(attributes: Record<string, string>, classRules: ClassRules): ElementStyle {
  const inline = (attributes.style ?? '').toLowerCase();
  const classes = (attributes.class ?? '').toLowerCase().split(/\s+/).filter((name) => name !== '');
  const shownByClass = classes.some((name) => classRules.shown.has(name));
  let hiddenBy = 'hidden' in attributes ? 'hidden attribute' : hidingDeclaration(inline);
  if (hiddenBy === null) {
    for (const name of classes) {
      const method = classRules.hidden.get(name);
      if (method !== undefined) {
        hiddenBy = method;
        break;
      }
    }
  }
  if (shownByClass) hiddenBy = null;
  const color = colourOf(/(?:^|[;\s])color\s*:\s*([^;]+)/.exec(inline)?.[1] ?? attributes.color ?? null);
  let background = colourOf(/background(?:-color)?\s*:\s*([^;]+)/.exec(inline)?.[1] ?? attributes.bgcolor ?? null);
  // A picture behind the text: its colour is unknown, so no text on it counts as invisible.
  if (/background-image\s*:|url\(|gradient\(/.test(inline) || attributes.background !== undefined) background = '';
  return { hiddenBy, color, background };
}

/** Which declaration in a style hides its element's text, or null. */
function hidingDeclaration(style: string): string | null {
  if (style === '') return null;
  if (/(?:^|[;\s])display\s*:\s*none/.test(style)) return 'display:none';
  const visibility = /(?:^|[;\s])visibility\s*:\s*(hidden|collapse)/.exec(style);
  if (visibility !== null) return `visibility:${visibility[1]}`;
  if (/(?:^|[;\s])opacity\s*:\s*0(?:\.0*)?\s*(?:;|$|!)/.test(style)) return 'opacity:0';
  const fontSize = /(?:^|[;\s])font-size\s*:\s*([\d.]+)\s*(px|pt|em|rem|%)?/.exec(style);
  if (fontSize !== null) {
    const size = Number(fontSize[1]);
    const unit = fontSize[2] ?? 'px';
    const tiny = unit === 'em' || unit === 'rem' ? size < 0.25 : unit === '%' ? size < 25 : size <= 2;
    if (tiny) return `font-size:${fontSize[1]}${fontSize[2] ?? ''}`;
  }
  const collapsed = /(?:max-)?(?:height|width)\s*:\s*0(?:px)?\s*(?:;|$|!)/.test(style) && /overflow\s*:\s*hidden/.test(style);
  if (collapsed) return 'zero size, overflow hidden';
  if (/(?:^|[;\s])(?:left|top|text-indent)\s*:\s*-\d{3,}/.test(style)) return 'positioned off-screen';
  if (/(?:^|[;\s])margin-top\s*:\s*\d{5,}px/.test(style)) return 'pushed far below the view';
  return null;
}

const NAMED_COLOURS: Readonly<Record<string, string>> = {
  white: '#ffffff', black: '#000000', red: '#ff0000', green: '#008000', blue: '#0000ff',
};

/**
 * Colours as #rrggbb; null when not set (inherit); '' for values not resolved here (images,
 * gradients, variables), which never compare equal to a colour.
 */
function colourOf(value: string | null): string | null {
  if (value === null) return null;
  const text = value.trim().replace(/\s*!important$/, '').toLowerCase();
  if (text === '' || text === 'transparent' || text === 'inherit' || text === 'initial') return null;
  const named = NAMED_COLOURS[text];
  if (named !== undefined) return named;
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/.exec(text);
  if (short !== null) return `#${short[1]}${short[1]}${short[2]}${short[2]}${short[3]}${short[3]}`;
  if (/^#[0-9a-f]{6}$/.test(text)) return text;
  const rgb = /^rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)/.exec(text);
  if (rgb !== null) return `#${[rgb[1], rgb[2], rgb[3]].map((part) => Number(part).toString(16).padStart(2, '0')).join('')}`;
  return '';
}
