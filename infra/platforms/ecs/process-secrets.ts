// Which of the environment's secrets a worker or a scheduled job receives (`secrets`, `database` on an
// entry of slipway:workers or slipway:jobs; docs/services.md "Narrowing a process's secrets"), and the
// check of both fields: one message per mistake, naming the key path and the fix.
//
// `secrets` is a list of slipway:appSecrets names (default: all of them, as before; [] none). `database`
// (default true where the stack has slipway:database) says whether the process gets the database's PG*
// secrets and its clients security group. They are two fields, not one list, because the PG* names are
// not appSecrets names (slipway:database declares them, DATABASE_SECRET_NAMES), they are one unit (host,
// port, name, user and password are useless apart), and going without the database also takes away the
// network path to it (the clients group), which a list of names cannot say.

/** A process's fields that choose its secrets. */
export const SECRET_FIELDS = ["secrets", "database"] as const;

/** What a process may name: the stack's appSecrets names, and whether the stack has a database. */
export interface SecretChoiceContext {
    /** The stack's slipway:appSecrets names. */
    secretNames: string[];
    /** The stack sets slipway:database. */
    database: boolean;
}

/** A process's choice: `secrets` undefined is all of the app's (as before); `database` false drops the PG* secrets and the clients group. */
export interface SecretChoice {
    secrets?: string[];
    database?: false;
}

/** The validated `secrets` and `database` of the entry `w` (`slipway:workers.<name>` or `slipway:jobs.<name>`). */
export function secretChoiceOf(
    w: string,
    r: Record<string, unknown>,
    c: SecretChoiceContext,
    set: (path: string, example: string) => string,
    rm: (path: string) => string,
    name: string,
    problems: string[],
): SecretChoice {
    const out: SecretChoice = {};
    const list = r.secrets;
    const known = c.secretNames.length ? `slipway:appSecrets has ${c.secretNames.join(", ")}` : "slipway:appSecrets is empty";
    const example = `'${JSON.stringify(c.secretNames.slice(0, 1))}'`;
    if (list !== undefined) {
        if (!Array.isArray(list)) {
            problems.push(`${w}.secrets = ${JSON.stringify(list)} must be a list of slipway:appSecrets names (${known}; [] for none; leave it out for all). Fix: ${set(`${name}.secrets`, example)} (or ${rm(`${name}.secrets`)})`);
        } else {
            const mine = problems.length;
            const seen = new Set<string>();
            list.forEach((entry, i) => {
                if (typeof entry !== "string" || !c.secretNames.includes(entry)) {
                    problems.push(`${w}.secrets[${i}] = ${JSON.stringify(entry)} is not a slipway:appSecrets name (${known}). Fix: ${rm(`${name}.secrets[${i}]`)} (or add it: pulumi config set --secret --path 'slipway:appSecrets.${typeof entry === "string" ? entry : "NAME"}' <value>)`);
                } else if (seen.has(entry)) {
                    problems.push(`${w}.secrets[${i}] = "${entry}" is listed twice: name each secret once. Fix: ${rm(`${name}.secrets[${i}]`)}`);
                } else seen.add(entry);
            });
            if (problems.length === mine) out.secrets = [...seen].sort();
        }
    }
    const database = r.database;
    if (database !== undefined) {
        if (typeof database !== "boolean") {
            problems.push(`${w}.database = ${JSON.stringify(database)} must be true or false: false gives the process none of the database's PG* secrets and no path to it. Fix: ${set(`${name}.database`, "false")} (or ${rm(`${name}.database`)})`);
        } else if (!c.database) {
            problems.push(`${w}.database is set, but this stack has no slipway:database: there are no PG* secrets to give or withhold. Fix: ${rm(`${name}.database`)}`);
        } else if (!database) out.database = false;
    }
    return out;
}

/** The app's secret names a process with `choice` receives (all of them unless narrowed). */
export function secretNamesOf(choice: SecretChoice, all: string[]): string[] {
    return choice.secrets ?? all;
}

/**
 * Whether a process chooses its secrets (`secrets` given, or `database: false`). Such a process gets an execution role
 * of its own (process-execution.ts), with the delivery stack's `execution-<process>` runtime policy, which can read only
 * the secrets the process receives: IAM then enforces the narrowing for the ECS agent too.
 */
export function choosesSecrets(choice: SecretChoice): boolean {
    return choice.secrets !== undefined || choice.database === false;
}

/**
 * The names of a process's own copy of the app's secrets (`slipway/<app>/<stack>/<process>/…`, infra/environment/
 * process-secret.ts), or undefined when it reads the app's secret (it chooses nothing) or no app secret at all ([]).
 * The copy's version changes only when one of its values changes, so a rotation rolls exactly the processes that read
 * the rotated value; and its own ARN is what the process's execution role may read.
 */
export function ownSecretNames(choice: SecretChoice, all: string[]): string[] | undefined {
    const names = secretNamesOf(choice, all);
    return choosesSecrets(choice) && names.length ? names : undefined;
}

/** The runtime policy kind of a process's own execution role: contract.ts runtimePolicyArn(ctx, app, policyStack, processExecutionKind(process)). */
export const processExecutionKind = (process: string) => `execution-${process}`;

/**
 * Process → { database } of the workers and jobs a stack file lets choose their secrets (the delivery stack reads them,
 * as it reads the worker names): each gets an `execution-<process>` runtime policy; `database` says whether that
 * process reads the stack's database secrets. Entries the environment would refuse are read as written; its own checks
 * name them.
 */
export function secretChoicesOfStackFile(config: Record<string, string> | undefined, names: (config: Record<string, string> | undefined) => string[], database: boolean): Record<string, { database: boolean }> {
    const out: Record<string, { database: boolean }> = {};
    for (const key of ["slipway:workers", "slipway:jobs"]) {
        let parsed: unknown;
        try {
            parsed = JSON.parse(config?.[key] ?? "{}");
        } catch {
            continue;
        }
        if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) continue;
        for (const [name, entry] of Object.entries(parsed as Record<string, unknown>)) {
            if (!names(config).includes(name) || !entry || typeof entry !== "object") continue;
            const e = entry as Record<string, unknown>;
            if (e.secrets !== undefined || e.database === false) out[name] = { database: database && e.database !== false };
        }
    }
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}
