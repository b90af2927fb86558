// What the delivery stack reads of a Beanstalk target's stack file: TrafficSplitting's evaluation time (the smoke
// test waits it out) and IAM database authentication (the instance role gets the stack's `db-connect` runtime
// policy: infra/delivery/database-connect.ts). Beanstalk environments have no release action, workers or jobs of the
// pipeline's own (the release phase runs inside the deploy: docs/services.md), and no own images, queues or narrowed secrets.
import { databaseIamAuthOfStackFile } from "../../config/database";
import type { Tier } from "../../config/tiers";
import type { TargetFacts } from "../config";
import { beanstalkEvaluationOfStackFile } from "./settings";

export function beanstalkTargetFacts(file: Record<string, string> | undefined, tier: Tier): TargetFacts {
    return { release: false, maintenance: undefined, workers: [], jobs: [], settleMinutes: beanstalkEvaluationOfStackFile(file, tier) || undefined, databaseIam: databaseIamAuthOfStackFile(file) || undefined };
}
