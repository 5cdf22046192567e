import { scoreCategory, type Scored } from './lure-score';
import { matchesOf, type MessageView } from './view';

/**
 * Urgency and threats: deadlines in hours, final notices, suspension or legal action. Common
 * in honest reminders too, so the category is capped low and only supports other findings.
 */
export function analyseUrgency(view: MessageView): Scored | null {
  return scoreCategory('urgency', matchesOf(view, 'urgency'));
}
