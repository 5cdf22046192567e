import type { Lexicon } from './types';

/**
 * German (umlauts folded: "ä" → "a", so "bestätigen" is written "bestatigen"; "ß" stays).
 * Besides the bank and parcel lures, German-language mail carries many survey and voucher
 * ("Gutschein") prize lures.
 */
export const GERMAN: Lexicon = {
  credential: {
    strong: [
      '[ihr konto|dein konto|ihr zugang|dein zugang|ihre karte] ~ [wurde|wird|ist|wurden] ~ gesperrt|eingeschrankt|deaktiviert|gekundigt|geloscht|blockiert|eingefroren',
      '[bestatigen|verifizieren|aktualisieren|uberprufen|reaktivieren|legitimieren] ~ [sie|sie ihr|sie ihre|dein|deine|ihr|ihre] ~ [konto|kontos|identitat|daten|angaben|zugangsdaten|kundendaten|postfach]',
      '[ungewohnliche|verdachtige|unbefugte] ~ anmeldung|aktivitat|aktivitaten|anmeldeaktivitat|zugriff',
      '[ihr passwort|dein passwort|ihr kennwort] ~ [lauft|ist abgelaufen|wird ablaufen|lauft ab]',
      '[postfach|speicherplatz|mailbox] ~ [ist voll|voll|uberschritten]',
      'klicken sie ~ [hier|auf den link|unten|auf den button|auf die schaltflache] ~ um ~ [zu bestatigen|zu verifizieren|freizuschalten|zu aktualisieren|wiederherzustellen|zu entsperren]',
      '[legitimation|legitimierung|verifizierung|sicherheitsuberprufung] ~ [erforderlich|notwendig|durchfuhren|abschließen]',
      '[pushtan|tan verfahren|sicherheitsverfahren|photo tan|phototan] ~ [aktualisieren|erneuern|ablauf|lauft ab|umstellung]',
    ],
    medium: ['aus sicherheitsgrunden', 'neues gerat', 'ihre kundendaten', 'konto ~ sperrung|einschrankung', 'vorubergehend gesperrt'],
  },
  prize: {
    strong: [
      '[herzlichen gluckwunsch|wir gratulieren ihnen|wir gratulieren dir|herzliche gluckwunsche]',
      '[sie wurden ausgewahlt|du wurdest ausgewahlt|sie sind ausgewahlt|sie haben gewonnen|du hast gewonnen|sie sind unser gewinner]',
      'gutschein ~ [im wert von|gewinnen|sichern|erhalten]',
      '[nehmen sie an|nimm an] ~ [unserer umfrage|der umfrage|dieser umfrage]',
      '[umfrage teilnehmen|an der umfrage|kurze umfrage|kurzen umfrage]',
      'gewinnspiel|verlosung|gewinner|gewinnen',
    ],
    medium: ['gutschein', 'geschenk', 'belohnung', 'jetzt ~ einlosen|sichern|gewinnen', 'nur heute', 'ausgewahlt'],
    weak: ['gratis', 'kostenlos', 'exklusiv'],
  },
  delivery: {
    strong: [
      '[ihr paket|ihre sendung|dein paket|ihre bestellung] ~ [wurde|konnte|ist] ~ [nicht zugestellt|zuruckgehalten|angehalten|nicht geliefert|storniert|verzogert]',
      'zustellung ~ [fehlgeschlagen|nicht moglich|gescheitert]',
      '[zollgebuhr|zollgebuhren|versandkosten|liefergebuhr|zustellgebuhr] ~ [bezahlen|begleichen|ausstehend|offen]',
      'lieferadresse ~ bestatigen',
    ],
    weak: ['sendungsverfolgung', 'sendungsnummer', 'ihr paket'],
  },
  urgency: {
    strong: ['innerhalb ~ [von 24|von 48|von 72|24|48] ~ stunden', '[letzte mahnung|letzte erinnerung|letzte warnung|letzte chance]', 'handeln sie ~ jetzt|sofort'],
    medium: ['sofort', 'dringend', 'umgehend', 'unverzuglich', 'zeitlich begrenzt', 'lauft bald ab', '[nicht verpassen|verpassen sie nicht]'],
    weak: ['frist', 'erinnerung'],
  },
  advance_fee: {
    strong: ['millionen ~ [us dollar|dollar|euro]', '[geschaftsvorschlag|erbschaft|nachlass]'],
    medium: ['begunstigter|begunstigte', 'spende'],
  },
  romance: {
    strong: [
      '[heiße|heisse|geile|einsame|sexy] ~ [singles|frauen|madchen|girls|milfs]',
      '[sexkontakte|sextreffen|nackte|nacktfotos|ficken|schwanz]',
      '[private fotos|privates foto]',
    ],
    medium: ['singles', 'flirt', '[hat dir eine nachricht geschickt|mein profil und meine bilder|meine bilder an]'],
  },
  job: {
    strong: [
      'verdienen|verdiene|verdienst|einkommen ~3 [pro tag|am tag|taglich|pro woche|wochentlich|pro stunde] ~ [von zu hause|von zuhause|bequem von zu hause|im homeoffice|mit dem handy|in ihrer freizeit|in deiner freizeit]',
      'provision|provisionen ~ [pro|fur jede|fur jeden|je] ~ aufgabe|auftrag|bestellung|bewertung|video',
      '[erledigen|erledige|erledigen sie|absolvieren] ~ [aufgaben|auftrage|bewertungen] ~ [und verdienen|und verdiene|um zu verdienen]',
      '[aufladen|einzahlen|laden sie|zahlen sie] ~4 um ~ [aufgaben|auftrage|provision|gehalt|guthaben] ~ [freizuschalten|fortzusetzen|abzuschließen|auszuzahlen]',
      '[kontaktieren sie|kontaktiere|schreiben sie|schreib] ~3 [personalabteilung|recruiter|recruiterin|koordinator|koordinatorin] ~3 [uber|per|auf] ~ whatsapp|telegram',
    ],
    medium: [
      '[keine erfahrung|keine vorkenntnisse] ~ [erforderlich|notwendig|notig|benotigt]',
      '[ohne vorstellungsgesprach|ohne bewerbungsgesprach]',
      '[tagliche auszahlung|tagliche bezahlung|taglich ausgezahlt|taglich bezahlt]',
      '[geld verdienen|nebenverdienst|zusatzverdienst] ~ [von zu hause|online|mit dem handy]',
    ],
    weak: ['[nebenjob|heimarbeit|teilzeit|minijob|stellenangebot|homeoffice]'],
  },
  spam_offer: {
    strong: ['abnehmen|gewichtsverlust|wunschgewicht|gewichtsreduktion', 'fett ~ verbrennen|verbrennt|verbrennung|schmelzen', 'kilo|kg ~ [pro woche|pro tag|in wochen|in 4 wochen]', 'erektion|potenz|aphrodisiaka', 'freispiele|casino', 'nagelpilz|haarausfall'],
    medium: ['rabatt'],
  },
  personal_data: {
    strong: ['[kreditkartennummer|kartenprufnummer|sicherheitscode|kartennummer]'],
    medium: ['geburtsdatum', 'iban'],
  },
  generic_greeting: {
    medium: ['[sehr geehrter|sehr geehrte|lieber|liebe|geehrter|geehrte] ~ [kunde|kundin|nutzer|nutzerin|benutzer|mitglied|kontoinhaber|kontoinhaberin|kunden]'],
  },
};
