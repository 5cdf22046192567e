import { mitigatedForOwnService, scoreCategory, type Scored } from './lure-score';
import { matchesOf, type MessageView } from './view';

/**
 * Business-email compromise: new bank details, a change of account, wire-transfer urgency, the
 * "are you available?" opener and "kindly" requests. Billing systems of real suppliers send
 * invoice reminders too; from an authenticated sender whose links stay on its own domains the
 * finding is lowered.
 */
export function analysePaymentRequest(view: MessageView): Scored | null {
  const scored = scoreCategory('payment', matchesOf(view, 'payment'));
  if (scored === null) return null;
  return view.clickable.length > 0 ? mitigatedForOwnService(view, scored) : scored;
}
