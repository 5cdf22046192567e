import type { Lexicon } from './types';

/** Italian (accents folded). */
export const ITALIAN: Lexicon = {
  credential: {
    strong: [
      '[il tuo account|il suo account|il tuo conto|il suo conto] ~ [e stato|sara|e] ~ sospeso|bloccato|limitato|disattivato',
      '[verifica|conferma|aggiorna|verificare|confermare|aggiornare] ~ [il tuo|il suo|i tuoi|i suoi|la tua|la sua] ~ account|identita|dati|conto',
      '[attivita|accesso] ~ sospetta|sospetto|insolita|insolito|non autorizzato',
      'clicca ~ [qui|sul link|sul pulsante] ~ per ~ [verificare|confermare|sbloccare|aggiornare|riattivare]',
    ],
  },
  prize: {
    strong: ['[hai vinto|ha vinto|sei stato selezionato|e stato selezionato|sei stata selezionata]'],
    medium: ['congratulazioni', 'premio', 'buono regalo'],
  },
  delivery: {
    strong: [
      '[il tuo pacco|il suo pacco|la tua spedizione|la sua spedizione] ~ [e in attesa|e bloccato|in giacenza|e stato trattenuto]',
      'spese ~ [di spedizione|doganali|di consegna] ~ [da pagare|in sospeso|non pagate]',
    ],
  },
  urgency: {
    strong: ['entro ~ 24|48|72 ~ ore', '[ultimo avviso|azione richiesta]'],
    medium: ['urgente', 'immediatamente'],
  },
  job: {
    strong: [
      'guadagna|guadagnare|guadagni|guadagno ~3 [al giorno|a settimana|alla settimana|all ora|ogni giorno] ~ [da casa|comodamente da casa|dal telefono|dal cellulare|nel tempo libero]',
      'commissione|commissioni ~ [per|per ogni|su ogni] ~ attivita|ordine|compito|recensione|video',
      '[completa|completare|svolgi|svolgere] ~ [attivita|ordini|compiti|recensioni] ~ [e guadagna|per guadagnare|e ricevi]',
      '[ricarica|ricaricare|deposita|depositare] ~3 per ~ [sbloccare|continuare|completare|prelevare|ricevere] ~ [attivita|ordini|compiti|commissioni|stipendio|guadagni]',
      '[contatta|contattare|scrivi|aggiungi] ~3 [hr|selezionatore|selezionatrice|reclutatore|coordinatore|coordinatrice] ~3 [su|tramite|via] ~ whatsapp|telegram',
    ],
    medium: [
      '[nessuna esperienza|senza esperienza] ~ [richiesta|necessaria|]',
      '[pagamento giornaliero|pagamenti giornalieri|pagato ogni giorno]',
      '[senza colloquio]',
      '[guadagnare soldi|guadagna soldi|reddito extra|guadagno extra] ~ [da casa|online|dal telefono]',
    ],
    weak: ['[part time|lavoro da casa|lavoro a distanza|offerta di lavoro]'],
  },
  personal_data: {
    strong: ['[numero della carta|codice di sicurezza]'],
    medium: ['data di nascita'],
  },
  generic_greeting: {
    medium: ['gentile|caro|cara ~ [cliente|utente|titolare]'],
  },
};
