export {
  ACTIONS,
  ConsensusRuleSchema,
  DecisiveRuleSchema,
  PolicySchema,
  SEVERITIES,
  VERDICTS,
  parsePolicy,
  type Action,
  type ConsensusRule,
  type DecisiveRule,
  type Policy,
  type PolicyIssue,
  type VerdictLabel,
} from './schema';
export {
  POLICY_REASON_IDS,
  combineScores,
  decide,
  type Decision,
  type FailedEngine,
  type FailedEngineStatus,
  type Reason,
  type ReasonRule,
} from './decide';
export { DEFAULT_POLICY, DEFAULT_POLICY_PATH, SHIPPED_POLICY_DIR, loadPolicyFile } from './load';
