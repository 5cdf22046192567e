import { expandGroups, LexiconError, PhraseMatcher } from '../../../functions/src/engines/content/matcher';
import { BUILTIN_LEXICONS, LURE_CATEGORIES } from '../../../functions/src/engines/content/lexicon';
import { foldText } from '../../../functions/src/engines/content/text';

function matched(phrase: string, text: string): string[] {
  const matcher = new PhraseMatcher([{ credential: { strong: [phrase] } }]);
  return matcher.match(foldText(text, 1000).tokens).map((match) => match.matched);
}

describe('phrase syntax', () => {
  it('matches alternatives, prefixes, optional words and gaps', () => {
    expect(matched('verify|confirm your account', 'Please CONFIRM your account today')).toEqual(['confirm your account']);
    expect(matched('suspend* account', 'we suspended account access')).toEqual(['suspended account']);
    expect(matched('your (email) account', 'your account')).toEqual(['your account']);
    expect(matched('your (email) account', 'your email account')).toEqual(['your email account']);
    expect(matched('account ~ suspended', 'account has been suspended')).toEqual(['account has been suspended']);
    expect(matched('account ~ suspended', 'account has really truly been suspended')).toEqual([]);
    expect(matched('account ~3 suspended', 'account has really been suspended')).toEqual(['account has really been suspended']);
    expect(matched('click ? now', 'click here now')).toEqual(['click here now']);
    expect(matched('click ? now', 'click now')).toEqual([]);
  });

  it('expands groups of word sequences, mixed with single words at one position', () => {
    expect(expandGroups('a|b|[c d|e f] g')).toEqual(['a g', 'b g', 'c d g', 'e f g']);
    expect(expandGroups('x [has been|is] y')).toEqual(['x has been y', 'x is y']);
    expect(expandGroups('[|a b] c')).toEqual(['c', 'a b c']);
    expect(expandGroups('a [b|c] d')).toEqual(['a b|c d']);
    expect(matched('[sign in|log in|login] to view', 'Log-in to view the file')).toEqual(['log in to view']);
  });

  it('rejects phrases it cannot read, naming them', () => {
    expect(() => new PhraseMatcher([{ urgency: { weak: ['~ urgent'] } }])).toThrow(LexiconError);
    expect(() => new PhraseMatcher([{ urgency: { weak: ['ab* now'] } }])).toThrow(/needs 3\+ letters/);
    expect(() => new PhraseMatcher([{ urgency: { weak: ['act [now'] } }])).toThrow(/unbalanced/);
    expect(() => new PhraseMatcher([{ urgency: { weak: ['act now!'] } }])).toThrow(/"now!"/);
    expect(() => new PhraseMatcher([{ urgency: { weak: ['a ~9 b'] } }])).toThrow(/gap/);
    const many = `${Array.from({ length: 7 }, () => '[a b|c d]').join(' ')}`;
    expect(() => new PhraseMatcher([{ urgency: { weak: [many] } }])).toThrow(/more than 64/);
  });

  it('reports each phrase once, at its first occurrence, and keeps categories apart', () => {
    const matcher = new PhraseMatcher([{ urgency: { medium: ['act now'] }, prize: { weak: ['act now'] } }]);
    const found = matcher.match(foldText('Act now. Really, act now!', 100).tokens);
    expect(found.map((match) => [match.category, match.position])).toEqual([
      ['urgency', 0],
      ['prize', 0],
    ]);
  });

  it('compiles every shipped lexicon', () => {
    const matcher = new PhraseMatcher(BUILTIN_LEXICONS);
    expect(matcher.phraseCount).toBeGreaterThan(500);
    for (const lexicon of BUILTIN_LEXICONS) {
      for (const category of Object.keys(lexicon)) expect(LURE_CATEGORIES).toContain(category);
    }
  });
});

describe('folding', () => {
  it('drops case, accents and invisible characters', () => {
    expect(foldText('Não VOCÊ  pa\u200Bss\u00ADword', 100).tokens).toEqual(['nao', 'voce', 'password']);
  });

  it('reads styled Unicode letters and mixed-script look-alikes as plain words', () => {
    const folded = foldText('𝙔𝙊𝙐𝙍 Pаypаl ассount', 100);
    expect(folded.tokens).toEqual(['your', 'paypal', 'account']);
    expect(folded.mixedScriptCount).toBe(2);
    expect(folded.mixedScriptWords).toEqual(['pаypаl', 'ассount']);
  });

  it('leaves real Cyrillic and Greek words alone', () => {
    const folded = foldText('Привет мир, καλημέρα', 100);
    expect(folded.tokens).toEqual(['привет', 'мир', 'καλημερα']);
    expect(folded.mixedScriptWords).toEqual([]);
    expect(folded.mixedScriptCount).toBe(0);
  });

  it('stops at the word bound', () => {
    expect(foldText('a b c d e f', 3).tokens).toEqual(['a', 'b', 'c']);
  });
});
