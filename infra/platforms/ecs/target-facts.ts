// What the delivery stack reads of an ECS target's stack file (it sees only stack files: the environment is not
// deployed yet when its pipeline stage and rights are written): the release phase and its page, the workers and
// jobs the stage moves, the deliberate waits, IAM database authentication, own images, queues and narrowed secrets.
import { CONFIG_NAMESPACE } from "../../config/schema";
import { databaseIamAuthOfStackFile, databaseOfStackFile } from "../../config/database";
import type { Tier } from "../../config/tiers";
import type { TargetFacts } from "../config";
import { jobNamesOfStackFile } from "./job-settings";
import { maintenanceOfStackFile } from "./maintenance";
import { secretChoicesOfStackFile } from "./process-secrets";
import { workerQueuesOfStackFile } from "./queue-access";
import { serviceImagesOfStackFile, type ServiceImage } from "./service-images";
import { deployWaitOfStackFile } from "./strategy-settings";
import { workerNamesOfStackFile } from "./worker-settings";

/** `{ queues }` of a stack file's queue workers (queue-access.ts), or `{}` when none. */
export function queuesOf(config: Record<string, string> | undefined): { queues?: Record<string, string> } {
    const queues = workerQueuesOfStackFile(config);
    return Object.keys(queues).length ? { queues } : {};
}

/** `{ secretChoices }` of a stack file's workers and jobs that choose their secrets (process-secrets.ts), or `{}` when none. */
export function secretChoicesOf(config: Record<string, string> | undefined): { secretChoices?: Record<string, { database: boolean }> } {
    const choices = secretChoicesOfStackFile(config, (c) => [...workerNamesOfStackFile(c), ...jobNamesOfStackFile(c)], databaseOfStackFile(config));
    return Object.keys(choices).length ? { secretChoices: choices } : {};
}

/** `{ images }` of a stack file's workers with their own image (service-images.ts), or `{}` when none. */
export function ownImagesOf(config: Record<string, string> | undefined): { images?: ServiceImage[] } {
    const images = serviceImagesOfStackFile(config, workerNamesOfStackFile(config));
    return images.length ? { images } : {};
}

export function ecsTargetFacts(file: Record<string, string> | undefined, tier: Tier): TargetFacts {
    return {
        release: Boolean(file?.[`${CONFIG_NAMESPACE}:releaseCommand`]?.trim()),
        maintenance: maintenanceOfStackFile(file, CONFIG_NAMESPACE) || undefined,
        workers: workerNamesOfStackFile(file),
        jobs: jobNamesOfStackFile(file),
        settleMinutes: deployWaitOfStackFile(file, tier),
        databaseIam: databaseIamAuthOfStackFile(file) || undefined,
        ...ownImagesOf(file),
        ...queuesOf(file),
        ...secretChoicesOf(file),
    };
}
