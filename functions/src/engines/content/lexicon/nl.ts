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
      '[hete|geile|sexy|eenzame|knappe|rijpe] ~ [singles|vrouwen|vrouw|meisjes|meisje|meiden|dames|milfs]',
      '[oekraiense|oekraiens|russische|russisch|slavische|aziatische|poolse] ~ [vrouwen|vrouw|meisjes|meisje|meiden|singles|schoonheden|schoonheid|bruiden|dames|liefde]',
      // "Meet / date / chat with (beautiful) women": the pitch of dating spam.
      '[maak kennis met|ontmoet|date met|daten met|chat met|flirt met] ~3 [singles|vrouwen|vrouw|meisjes|meisje|meiden|dames|schoonheden|schoonheid]',
      '[singles|vrouwen|meisjes|meiden|dames] ~ [bij jou in de buurt|in jouw buurt|in je buurt|bij u in de buurt|in uw buurt|in jouw regio|in je omgeving|bij jou in de omgeving|uit jouw regio]',
      '[wachten om je|wachten om jou|wacht om je|wacht om jou|wachten op je|wachten op jou] ~ [te ontmoeten|te leren kennen|ontmoeten]',
      // "foto's" is read as "foto s".
      '[bekijk mijn|zie mijn|mijn|zie haar|bekijk haar] ~ [prive|naakte|sexy|hete|pikante] ~ [fotos|foto s|foto|videos|video s]',
      'seks|sex ~ [afspraak|afspraken|date|dates|contact|contacten|vandaag|vanavond|chat]',
      'neuken|neukafspraak|sexdate|naaktfotos|[naaktfoto s]',
    ],
    medium: [
      'singles',
      'ontmoet|ontmoeten',
      'flirt|flirten',
      '[je email adres kwijt|je e mail adres kwijt|even chatten]',
      '[romantische relatie|serieuze relatie|vind de liefde|liefde van je leven|op zoek naar liefde|ware liefde]',
      '[geen nepprofielen|geen valse profielen|echte profielen|bekijk profielen|zie profielen|bekijk haar profiel]',
      'datingsite|schoonheden|naakt',
    ],
  },
  job: {
    strong: [
      'verdien|verdienen|verdient|inkomen ~3 [per dag|per week|per uur|elke dag] ~ [vanuit huis|thuis|vanaf je telefoon|met je telefoon|in je vrije tijd|vanuit je luie stoel]',
      'commissie|commissies|provisie ~ [per|voor elke|voor iedere] ~ taak|opdracht|bestelling|beoordeling|video',
      '[voltooi|voltooien|voer|uitvoeren] ~ [taken|opdrachten|beoordelingen] ~ [en verdien|om te verdienen|en ontvang]',
      '[waardeer|opwaarderen|stort|storten] ~3 om ~ [taken|opdrachten|commissie|salaris|verdiensten] ~ [te ontgrendelen|vrij te spelen|te voltooien|op te nemen]',
      '[neem contact op met|stuur|voeg] ~3 [hr|recruiter|coordinator|begeleider] ~3 [via|op] ~ whatsapp|telegram',
    ],
    medium: [
      'geen ervaring ~ nodig|vereist',
      '[zonder sollicitatiegesprek|geen sollicitatiegesprek]',
      '[dagelijks uitbetaald|dagelijkse uitbetaling|elke dag uitbetaald]',
      '[geld verdienen|extra inkomen|bijverdienen] ~ [vanuit huis|thuis|online|met je telefoon]',
    ],
    weak: ['[bijbaan|thuiswerk|parttime|vacature]'],
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
