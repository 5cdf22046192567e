/**
 * Gathers the text of an HTML part that a reader sees outside links, so web addresses typed as
 * text can be found: webmail linkifies them in HTML mail too, so they are clickable. Fed by the
 * link walker (links/html.ts), which already knows anchors and script/style content; this class
 * adds elements hidden by inline style or the `hidden` attribute, and line breaks at block
 * boundaries so words of neighbouring cells or paragraphs do not run together into one "URL".
 */

/** Elements whose boundaries separate words when rendered. */
const BREAKING_ELEMENTS = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'button', 'caption', 'center', 'dd', 'div', 'dl', 'dt',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr',
  'img', 'input', 'li', 'main', 'nav', 'ol', 'option', 'p', 'pre', 'section', 'select', 'table', 'tbody',
  'td', 'textarea', 'tfoot', 'th', 'thead', 'tr', 'ul',
]);

/** `display:none` or `visibility:hidden` in an inline style (the forms that hide text in every client). */
const HIDING_STYLE = /(?:^|[;\s"'])(?:display\s*:\s*none|visibility\s*:\s*hidden)\b/i;

export function hidesContent(attributes: Readonly<Record<string, string>>): boolean {
  if (attributes.hidden !== undefined) return true;
  const style = attributes.style;
  return style !== undefined && HIDING_STYLE.test(style);
}

export class VisibleTextCollector {
  private readonly pieces: string[] = [];
  private length = 0;
  /** Open-element depth; htmlparser2's Parser reports a close (possibly implied) for every open. */
  private depth = 0;
  /** Depth of the outermost open hidden element, or -1 when text is currently shown. */
  private hiddenAt = -1;
  /** True when text was dropped because `maxChars` was reached. */
  truncated = false;

  constructor(private readonly maxChars: number) {}

  openElement(name: string, attributes: Readonly<Record<string, string>>): void {
    this.depth++;
    if (this.hiddenAt < 0 && hidesContent(attributes)) this.hiddenAt = this.depth;
    if (BREAKING_ELEMENTS.has(name)) this.breakWords();
  }

  closeElement(name: string): void {
    if (this.depth === this.hiddenAt) this.hiddenAt = -1;
    if (this.depth > 0) this.depth--;
    if (BREAKING_ELEMENTS.has(name)) this.breakWords();
  }

  /** Text the walker considers shown (outside anchors, script and style); hidden elements are skipped here. */
  addText(text: string): void {
    if (this.hiddenAt >= 0) return;
    this.push(text);
  }

  /** Ends the current word: block boundaries, and anchors whose own text is not searched. */
  breakWords(): void {
    if (this.pieces.at(-1) !== '\n') this.push('\n');
  }

  finish(): string {
    return this.pieces.join('');
  }

  private push(text: string): void {
    const room = this.maxChars - this.length;
    if (room <= 0) {
      if (text.trim() !== '') this.truncated = true;
      return;
    }
    const piece = text.length > room ? text.slice(0, room) : text;
    if (piece.length < text.length) this.truncated = true;
    this.pieces.push(piece);
    this.length += piece.length;
  }
}
