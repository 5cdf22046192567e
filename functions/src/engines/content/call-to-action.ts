import { CONTENT_SCORES as S } from './findings';
import type { Scored } from './lure-score';
import { clip, simpleFold } from './text';
import { ownService, type MessageView } from './view';

/** Visible words at most this many: a message that says little besides its button. */
const MAX_WORDS = 120;
/** Distinct destinations at most this many. */
const MAX_DESTINATIONS = 2;

/** Anchor texts that ask for an action, in the shipped languages (folded: no accents). */
const ACTION_TEXT =
  /\b(?:click|tap|login|log in|sign in|signin|verify|confirm|update|review|view|open|access|download|restore|unlock|claim|accept|continue|secure|validate|reactivate|pay|get started|clique|acesse|acessar|confirmar|atualizar|verificar|regularizar|resgatar|visualizar|klicken|bestatigen|anmelden|einloggen|aktualisieren|jetzt|cliquez|confirmer|verifier|acceder|klik|bevestig|inloggen|haga clic|verifique|clicca|accedi)\b/;

/**
 * A body that is little more than one call-to-action link: few words, one or two destinations
 * and an anchor text asking to click, sign in or verify. Lures keep the text short so there is
 * little for filters to read. Service notifications look alike, so an authenticated sender
 * linking to its own domains (or through its ESP) is left alone.
 */
export function analyseCallToAction(view: MessageView): Scored | null {
  const anchors = view.clickable.filter((link) => link.source === 'href');
  if (anchors.length === 0) return null;
  const destinations = new Set(anchors.map((link) => link.url.replace(/[?#].*$/, '')));
  if (destinations.size > MAX_DESTINATIONS) return null;
  const words = view.bodyWordCount;
  if (words > MAX_WORDS) return null;
  const action = anchors.find((link) => ACTION_TEXT.test(simpleFold(link.displayText ?? '')));
  if (action === undefined) return null;
  if (ownService(view) !== null) return null;
  return {
    score: S.singleLinkBody,
    evidence: [`${words} words, button "${clip(action.displayText ?? '', 40)}" → ${clip(action.host || action.url, 60)}`],
  };
}
