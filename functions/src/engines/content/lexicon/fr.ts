import type { Lexicon } from './types';

/** French (accents folded; apostrophes split words, so "d'achat" is "d achat"). */
export const FRENCH: Lexicon = {
  credential: {
    strong: [
      'votre compte ~ [a ete|sera|est|va etre] ~ suspendu|bloque|desactive|restreint|limite|ferme|supprime',
      '[verifier|verifiez|confirmer|confirmez|valider|validez|mettre a jour|mettez a jour|reactiver|reactivez] ~ votre|vos ~ compte|identite|informations|coordonnees|donnees',
      'activit*|connexion*|tentative* ~ inhabituel*|suspect*|[non autorise|non autorisee|non autorisees]',
      'nous avons detecte ~ inhabituel*|suspect*',
      'votre mot de passe ~ [expire|a expire|va expirer]',
      '[boite aux lettres|boite de reception|boite mail|messagerie] ~ [pleine|est pleine|saturee]',
      'cliquez ~ [ici|sur le lien|sur le bouton|ci dessous] ~ pour ~ [verifier|confirmer|reactiver|debloquer|mettre a jour|valider|eviter]',
    ],
    medium: ['nouvel appareil', 'pour des raisons de securite'],
  },
  prize: {
    strong: [
      '[vous avez ete selectionne|vous avez ete selectionnee|vous avez gagne|vous etes notre gagnant|tu as gagne]',
      '[remplissez|repondez a|repondre a|participez a] ~ [le questionnaire|ce questionnaire|notre questionnaire|sondage|l enquete|notre enquete]',
      '[bon d achat|carte cadeau|cheque cadeau] ~ [de|d une valeur|est pret|offert]',
      '[reclamez|reclamer|recuperez|recuperer] ~ votre ~ prix|cadeau|recompense|gain',
      'obtenez|recevez|gagnez ~4 pour votre ~ contribution|participation|avis|fidelite',
    ],
    medium: ['felicitations', 'gagnant|gagnante', 'recompense', 'cadeau', 'bon d achat', 'sondage|questionnaire'],
    weak: ['gratuit|gratuitement', 'surprise'],
  },
  delivery: {
    strong: [
      '[votre colis|votre commande|votre envoi] ~ [est|a ete] ~ [en attente|bloque|retenu|retourne|suspendu]',
      'frais de ~ livraison|douane|port|reexpedition ~ [a payer|impayes|en attente|requis]',
      '[livraison echouee|livraison impossible|reprogrammer la livraison]',
      '[n a pas pu|n avons pas pu|impossible de] ~ livrer',
      'colis ~ [sous notre garde|en attente|pret a etre livre|retenu|bloque]',
      'adresse de livraison ~ correcte|incorrecte|incomplete',
    ],
    weak: ['numero de suivi', 'votre colis'],
  },
  urgency: {
    strong: ['dans les ~ 24|48|72 ~ heures', '[dernier avertissement|dernier rappel|action requise|derniere chance|expediteur de confiance]'],
    medium: ['urgent', 'immediatement', 'sans delai', 'des que possible'],
  },
  advance_fee: {
    strong: ['millions de ~ dollars|euros', '[proposition d affaire|proposition d affaires|heritage|transfert des fonds]'],
    medium: ['beneficiaire'],
  },
  romance: {
    strong: [
      'femmes ~ seules|chaudes|celibataires',
      '[rencontres coquines|plan cul|photos intimes]',
      'filles|femmes ~ ukrainiennes|russes|slaves|asiatiques|chaudes',
      'rendez vous ~ chaud|coquin|torride',
    ],
    medium: ['celibataires', 'rencontre|rencontres'],
  },
  job: {
    strong: [
      'gagnez|gagner|gagne|revenu|revenus ~3 [par jour|par semaine|par heure|chaque jour] ~ [depuis chez vous|de chez vous|a domicile|depuis votre domicile|depuis votre telephone|pendant votre temps libre]',
      'commission|commissions ~ [par|pour chaque|sur chaque] ~ tache|commande|avis|evaluation|video',
      '[completez|completer|effectuez|effectuer|realisez|realiser] ~ [des taches|les taches|des commandes|des avis] ~ [et gagnez|pour gagner|et recevez]',
      '[rechargez|recharger|deposez|deposer] ~3 pour ~ [debloquer|continuer|terminer|retirer|recevoir] ~ [taches|commandes|commission|commissions|salaire|gains]',
      '[contactez|contacter|ecrivez|ajoutez] ~3 [rh|recruteur|recruteuse|responsable|coordinateur|coordinatrice] ~3 [sur|via|par] ~ whatsapp|telegram',
    ],
    medium: [
      '[sans experience|aucune experience requise|aucune experience necessaire|pas besoin d experience]',
      '[paiement quotidien|paye chaque jour|paye tous les jours|remuneration quotidienne|paiement journalier]',
      '[sans entretien]',
      '[gagner de l argent|gagnez de l argent|revenu supplementaire|revenus supplementaires] ~ [depuis chez vous|a domicile|en ligne|depuis votre telephone]',
    ],
    weak: ['[temps partiel|travail a domicile|teletravail|offre d emploi]'],
  },
  spam_offer: {
    strong: ['perdre ~ kilos|poids|kg', '[perte de poids]', 'erection|puissance sexuelle', 'tours gratuits|casino'],
  },
  personal_data: {
    strong: ['[numero de carte|cryptogramme|code de securite|numero de securite sociale]'],
    medium: ['date de naissance'],
  },
  generic_greeting: {
    medium: ['cher|chere ~ [client|cliente|utilisateur|utilisatrice|membre|abonne|abonnee|acheteur]'],
  },
};
