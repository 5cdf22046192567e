import type { EngineContext, EngineOutput, Finding } from '../../../functions/src/core/engine/types';
import { parseAuthenticationResults } from '../../../functions/src/core/parse/authentication-results';
import type { AuthenticationSummary, ScanSubject } from '../../../functions/src/core/subject/types';
import { createAuthEngine, type AuthConfigInput } from '../../../functions/src/engines/auth';

/** The provider's verdicts as Gmail would stamp them: `mx.google.com; <results>`. */
export function gmailAuth(results: string): AuthenticationSummary {
  return parseAuthenticationResults(
    [{ name: 'authentication-results', raw: `mx.google.com; ${results}`, decoded: `mx.google.com; ${results}` }],
    'mx.google.com',
  );
}

/** A fully authenticated Gmail verdict for `domain` (DKIM, SPF and DMARC pass, aligned). */
export function passingAuth(domain: string): AuthenticationSummary {
  return gmailAuth(
    `dkim=pass header.i=@${domain} header.s=s1 header.b=abc; ` +
      `spf=pass (google.com: domain of bounce@${domain} designates 192.0.2.1 as permitted sender) smtp.mailfrom=bounce@${domain}; ` +
      `dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=${domain}`,
  );
}

export function context(organisationDomains: string[] = []): EngineContext {
  return { signal: new AbortController().signal, organisationDomains };
}

export function scan(subject: ScanSubject, config: AuthConfigInput = {}, organisationDomains: string[] = []): EngineOutput {
  const output = createAuthEngine(config).scan(subject, context(organisationDomains));
  if (output instanceof Promise) throw new Error('the auth engine is synchronous');
  return output;
}

export function ids(output: EngineOutput): string[] {
  return output.findings.map((item) => item.id);
}

export function finding(output: EngineOutput, id: string): Finding {
  const found = output.findings.find((item) => item.id === id);
  if (found === undefined) throw new Error(`no ${id} among ${ids(output).join(', ') || 'no findings'}`);
  return found;
}
