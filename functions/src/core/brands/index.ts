/**
 * Brand knowledge shared by the engines: the built-in list of impersonated brands, domain
 * helpers (public-suffix split, confusable skeletons, edit distance) and the lookalike-domain
 * detector. The auth engine applies it to sender domains, the links engine to link hosts.
 */
export { BUILTIN_BRANDS, SERVICE_WORDS, type Brand } from './brands';
export {
  domainParts,
  editDistance,
  hasMixedScriptLabel,
  isInternationalised,
  registrableOf,
  skeleton,
  type DomainParts,
} from './domains';
export { LookalikeDetector, type LookalikeMatch, type LookalikeTechnique } from './lookalike';
