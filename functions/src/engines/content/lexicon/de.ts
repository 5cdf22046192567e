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
