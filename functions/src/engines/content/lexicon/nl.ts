import type { Lexicon } from './types';

/** Dutch (diacritics folded: "geëist" → "geeist"). */
export const DUTCH: Lexicon = {
  credential: {
    strong: [
      '[uw account|je account|uw rekening|je rekening|uw pas] ~ [is|wordt|werd] ~ geblokkeerd|opgeschort|gedeactiveerd|beperkt|verwijderd',
      '[verifieer|bevestig|controleer|update|herstel|activeer] ~ uw|je ~ account|identiteit|gegevens|rekening',
      '[ongebruikelijke|verdachte] ~ activiteit|aanmelding|inlogpoging',
      '[uw wachtwoord|je wachtwoord] ~ verloopt|verlopen',
      'mailbox ~ [is vol|vol]',
      'klik ~ [hier|op de link|op de knop] ~ om ~ [te verifieren|te bevestigen|te herstellen|te ontgrendelen|bij te werken]',
    ],
    medium: ['nieuw apparaat', 'om veiligheidsredenen'],
  },
  prize: {
    strong: [
      '[u bent geselecteerd|je bent geselecteerd|u bent uitgekozen|je hebt gewonnen|u heeft gewonnen|u hebt gewonnen]',
      '[gefeliciteerd|proficiat] ~ u|je|jij',
      '[ontvang uw gratis|ontvang je gratis|krijg nu gratis]',
      '[vul de enquete|neem deel aan|beantwoord] ~ enquete|vragen|vragenlijst',
    ],
    medium: ['gefeliciteerd', 'winnaar', 'beloning', 'cadeau|cadeaubon', 'enquete', 'jouw kans'],
    weak: ['gratis'],
  },
  delivery: {
    strong: [
      '[uw pakket|je pakket|uw zending|uw bestelling] ~ [is|wordt|staat] ~ [in afwachting|vastgehouden|tegengehouden|geblokkeerd]',
      'in afwachting van ~ aflevering|bezorging|levering',
      '[bevestig uw verzendgegevens|bevestig je verzendgegevens|verzendgegevens bevestigen]',
      '[bezorgkosten|verzendkosten|douanekosten|invoerrechten] ~ [betalen|voldoen|openstaand]',
      '[bezorging mislukt|levering mislukt|niet geeiste pakket|niet opgehaald]',
    ],
    weak: ['track en trace', 'uw pakket'],
  },
  urgency: {
    strong: ['binnen ~ 24|48|72 ~ uur', '[laatste kans|laatste waarschuwing|laatste herinnering]'],
    medium: ['dringend', 'onmiddellijk', 'direct actie'],
  },
  romance: {
    strong: [
      '[hete|geile|sexy|eenzame] ~ [singles|vrouwen|meisjes|dames|milfs]',
      '[oekraiense|russische] ~ [vrouwen|meisjes|singles|schoonheden]',
      'neuken|neukafspraak|sexdate',
    ],
    medium: ['singles', 'ontmoet|ontmoeten', 'flirt', '[je email adres kwijt|je e mail adres kwijt|even chatten]'],
  },
  spam_offer: {
    strong: ['afvallen|gewichtsverlies', 'erectie', 'gratis spins|casino'],
    medium: ['energierekening', 'besparen op'],
  },
  personal_data: {
    strong: ['[kaartnummer|beveiligingscode|pincode]'],
    medium: ['geboortedatum'],
  },
  generic_greeting: {
    medium: ['geachte|beste ~ [klant|gebruiker|lid|klanten|heer mevrouw|relatie]'],
  },
};
