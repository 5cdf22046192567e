import type { HtmlFacts } from '../../core/documents/html-attachment';
import type { Report } from './report';
import { SCORES } from './scores';

/** An absolute web URL a click, form or redirect leaves the local file for. */
function webUrl(url: string): string | null {
  return /^\s*https?:\/\//i.test(url) ? url.trim() : null;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

function iocFor(url: string | null, sha256: string | null): { sha256: string | null; urls: string[]; domains: string[] } {
  return { sha256, urls: url ? [url] : [], domains: url && hostOf(url) ? [hostOf(url)] : [] };
}

export function htmlFindings(facts: HtmlFacts, report: Report, sha256: string | null): void {
  if (facts.passwordInputs > 0) {
    const targets = facts.forms.filter((form) => form.hasPassword).map((form) => form.action || '(submitted by script)');
    const target = targets[0] ?? '(no form: submitted by script)';
    report('attachments.html_credential_form', SCORES.html.credentialForm, `password field; form posts to ${target}`, iocFor(webUrl(target), sha256));
  }
  for (const form of facts.forms) {
    const url = webUrl(form.action);
    if (url && !form.hasPassword) report('attachments.html_form', SCORES.html.form, `form posts to ${url}`, iocFor(url, sha256));
  }
  for (const endpoint of facts.exfiltration) report('attachments.html_exfiltration', SCORES.html.exfiltration, `script sends data to ${endpoint}`, { sha256, domains: [endpoint.split('/')[0] ?? ''] });
  for (const indicator of facts.smuggling) report('attachments.html_smuggling', SCORES.html.smuggling, indicator, { sha256 });
  for (const redirect of facts.redirects) {
    const url = webUrl(redirect.target);
    if (!url) continue;
    const score = redirect.how === 'window_open' ? SCORES.html.windowOpen : SCORES.html.redirect;
    const how = redirect.how === 'meta_refresh' ? 'meta refresh' : redirect.how === 'window_open' ? 'window.open' : 'script sets location';
    report('attachments.html_redirect', score, `${how} → ${url}`, iocFor(url, sha256));
  }
  for (const frame of facts.iframes) {
    const url = webUrl(frame);
    if (url) report('attachments.html_redirect', SCORES.html.frame, `frames ${url}`, iocFor(url, sha256));
  }
  for (const indicator of facts.obfuscation) report('attachments.html_obfuscated_script', SCORES.html.obfuscated, indicator, { sha256 });

  const scripted = facts.inlineScripts + facts.remoteScripts.length + facts.eventHandlers;
  if (facts.kind === 'svg') {
    if (scripted > 0) report('attachments.svg_script', SCORES.html.svgScript, `${facts.inlineScripts + facts.remoteScripts.length} script element(s), ${facts.eventHandlers} event handler(s)`, { sha256 });
    else if (facts.foreignObjects > 0) report('attachments.svg_script', SCORES.html.svgForeignObject, `${facts.foreignObjects} foreignObject element(s) (HTML inside the image)`, { sha256 });
  } else if (scripted > 0) {
    const remote = facts.remoteScripts.length > 0 ? `; loads ${facts.remoteScripts.slice(0, 2).join(', ')}` : '';
    report('attachments.html_script', SCORES.html.script, `${facts.inlineScripts} inline script(s), ${facts.eventHandlers} event handler(s)${remote}`);
  }
}
