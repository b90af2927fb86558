// Every slipway policy rule, in the order docs/security.md lists them. Import this (not policy/index.ts,
// which starts the policy server) to evaluate rules offline.
import { SlipwayRule } from "./kit";
import { deliveryRules } from "./rules-delivery";
import { environmentRules } from "./rules-environment";
import { identityRules } from "./rules-identity";
import { lifecycleRules } from "./rules-lifecycle";
import { releaseRules } from "./rules-releases";
import { packageRules } from "./rules-packages";
import { jobRules } from "./rules-jobs";
import { databaseRules } from "./rules-database";
import { opsRules } from "./rules-ops";
import { chatRules } from "./rules-chat";
import { beanstalkDatabaseRules } from "./rules-beanstalk-database";

export const RULES: SlipwayRule[] = [...deliveryRules, ...packageRules, ...environmentRules, ...jobRules, ...releaseRules, ...identityRules, ...opsRules, ...chatRules, ...lifecycleRules, ...databaseRules, ...beanstalkDatabaseRules];

export const RULE_IDS: string[] = RULES.map((r) => r.name);

export function ruleById(id: string): SlipwayRule | undefined {
    return RULES.find((r) => r.name === id);
}
