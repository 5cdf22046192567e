import { parsePolicy } from './schema';
console.log(JSON.stringify(parsePolicy({version:'x'}),null,1));
for (const bad of [
 {version:'', thresholds:{suspicious:90, malicious:80}, actions:{malicious:'label', suspicious:'quarantine'}, decisiveFindings:[{pattern:'*'},{pattern:'a*b'}], expectedEngines:['a','a'], mode:'x', extra:1},
 {version:'x', thresholds:{suspicious:'a', malicious:80}, actions:{malicious:'label', suspicious:'quarantine'}},
 null, [],
]) { try { parsePolicy(bad, 'f.json') } catch (e) { console.log((e as Error).message) } }
