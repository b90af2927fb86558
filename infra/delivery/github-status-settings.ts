// The GitHub reporting key (`slipway:githubStatus`, delivery stacks) and its checks: one message per
// problem, naming the key path and the fix, never the value. infra/config/schema.ts adds the key,
// infra/config/settings.ts calls githubStatusSettings(); the reporter itself is infra/delivery/github-status.ts.
import { z } from "zod";
import { key } from "../config/keys";

/** The one entry the map takes. */
export const GITHUB_STATUS_FIELDS = ["token"] as const;

/**
 * Token prefixes of tokens that cannot serve here (GitHub changelog 2021-03-31, "Authentication token
 * format updates are generally available": ghp_ personal access, gho_ OAuth, ghu_ GitHub App
 * user-to-server, ghs_ server-to-server, ghr_ refresh tokens): a GitHub App's installation token expires
 * after an hour (GitHub docs, "Authenticating as a GitHub App installation"), its user tokens usually
 * after eight. The reporter reads the
 * token from Secrets Manager on every event for months, so it needs a long-lived one: a fine-grained
 * personal access token (`github_pat_`) or, where an organization refuses those, a classic one (`ghp_`).
 */
export const SHORT_LIVED_TOKEN_PREFIXES: Record<string, string> = {
    ghs_: "a GitHub App installation token, which expires after an hour",
    ghu_: "a GitHub App user-to-server token, which expires (usually after eight hours)",
    ghr_: "a GitHub App refresh token, not an access token",
    gho_: "an OAuth app token, bound to an app's authorization",
};

export const GITHUB_STATUS_KEYS = [
    key({
        key: "githubStatus",
        roles: ["delivery"],
        type: "map",
        secretValues: true,
        description:
            "Report the pipeline to the app repository on GitHub (docs/releases.md, GitHub deployments and commit statuses): `token`, a `secure:` fine-grained personal access token of that repository with the repository permissions Commit statuses and Deployments (read and write; Metadata read comes with every token). Stored in Secrets Manager, read only by the reporter's CodeBuild project, which each pipeline stage start and end triggers through EventBridge. Empty: no reporting.",
        // The entries (only `token`, non-empty, not a short-lived kind) are checked in githubStatusSettings().
        schema: z.record(z.string(), z.unknown()),
        example: "token",
    }),
] as const;

export interface GitHubStatusSettings {
    /** The token; only ever wrapped with pulumi.secret by its reader. */
    token: { readonly secret: true; readonly value: string };
}

/** The validated reporting settings, or undefined when the key is empty; problems never show the token. */
export function githubStatusSettings(value: Record<string, unknown>, stack: string, problems: string[]): GitHubStatusSettings | undefined {
    const at = "slipway:githubStatus";
    const setToken = `pulumi config set --secret --path '${at}.token' <fine-grained token> --stack ${stack}`;
    const entries = Object.entries(value);
    if (!entries.length) return undefined;
    const before = problems.length;
    for (const [name] of entries) {
        if (!(GITHUB_STATUS_FIELDS as readonly string[]).includes(name)) {
            problems.push(`${at}.${name} is not a githubStatus setting (it takes only token). Fix: pulumi config rm --path '${at}.${name}' --stack ${stack}`);
        }
    }
    const token = value.token;
    if (typeof token !== "string" || token.trim() === "") {
        problems.push(`${at}.token must be a non-empty secure value: the fine-grained token the pipeline reports to GitHub with. Fix: ${setToken}`);
    } else {
        const prefix = Object.keys(SHORT_LIVED_TOKEN_PREFIXES).find((p) => token.startsWith(p));
        if (prefix) {
            problems.push(
                `${at}.token is ${SHORT_LIVED_TOKEN_PREFIXES[prefix]} (it starts with ${prefix}): the reporter reads it on every pipeline event for months. Use a fine-grained personal access token of the app repository with Commit statuses and Deployments read and write. Fix: ${setToken}`,
            );
        } else if (/\s/.test(token)) {
            problems.push(`${at}.token contains whitespace, which no GitHub token does (a pasted line break?). Fix: ${setToken}`);
        }
    }
    if (problems.length > before || typeof token !== "string") return undefined;
    return { token: { secret: true, value: token } };
}
