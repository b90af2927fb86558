// Writes Pulumi.yaml's `config:` block and docs/config.md's two generated tables (every key, and the
// defaults by tier) from infra/config/schema.ts and infra/config/tiers.ts (npm run gen:config, or
// npm run docs). test/config.test.ts fails when Pulumi.yaml or docs/config.md disagrees with them.
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { CONFIG_KEYS } from "../../infra/config/schema";
import { Tier, TIER_DEFAULTS, TierDefaults } from "../../infra/config/tiers";

const ROOT = path.resolve(__dirname, "..", "..");
export const PROJECT_FILE = path.join(ROOT, "Pulumi.yaml");
export const CONFIG_DOC = path.join(ROOT, "docs", "config.md");

export function projectFileText(): string {
    const config: Record<string, unknown> = {};
    for (const spec of CONFIG_KEYS) {
        // Pulumi declares string, integer, boolean and array types; maps (appSettings, appSecrets,
        // ciSecrets) cannot be declared and are validated by the program alone.
        if (spec.type === "map") continue;
        const decl: Record<string, unknown> = { type: spec.type, description: spec.description };
        if (spec.type === "array") decl.items = { type: "string" };
        if (spec.default !== undefined) decl.default = spec.default;
        config[spec.key] = decl;
    }
    const header = [
        "# Generated from infra/config/schema.ts by `npm run gen:config`: edit the schema, not this block.",
        "# Map-valued keys (appSettings, appSecrets, ciSecrets) are set per stack with --path; Pulumi cannot",
        "# declare object types, so the program validates them (see docs/config.md).",
    ].join("\n");
    const body = stringify(
        {
            name: "slipway",
            description: "A team's whole container CI/CD pipeline on AWS: registry, CodePipeline, ECS or Beanstalk environments",
            // The same TypeScript loader as the offline plan and the tests (tsx, a devDependency),
            // instead of Pulumi's built-in ts-node; type-checking is `npm run typecheck` (and CI).
            runtime: { name: "nodejs", options: { typescript: false, nodeargs: "--import tsx", packagemanager: "npm" } },
            main: "index.ts",
            config,
        },
        { lineWidth: 0 },
    );
    return `${header}\n${body}`;
}

/** A generated region of a Markdown file, between its start and end markers. */
interface Region {
    start: string;
    end: string;
    body: () => string[];
}

const cell = (v: string) => v.replace(/\|/g, "\\|");
const code = (v: string) => `\`${v}\``;

/** The anchor of docs/config.md's "Defaults by tier" heading, which the key table's "by tier" links to. */
const BY_TIER = "[by tier](#defaults-by-tier)";

/** Every config key: its stacks, type, default and what it sets. */
export function configTable(): string[] {
    const rows = CONFIG_KEYS.map((spec) => {
        const def = spec.byTier
            ? BY_TIER
            : spec.default === undefined ? (spec.type === "map" ? "{}" : "**required**") : spec.default === "" ? (spec.requiredFor ? "**required**" : '""') : code(JSON.stringify(spec.default));
        const type = spec.secretValues ? "map of secrets" : spec.type;
        return `| \`slipway:${spec.key}\` | ${spec.roles.join(", ")} | ${type} | ${def} | ${cell(spec.description)} |`;
    });
    return ["| key | stacks | type | default | what it sets |", "|---|---|---|---|---|", ...rows];
}

/**
 * What each field of TierDefaults is, in the tier table. Typed by TierDefaults, so a new by-tier
 * default does not compile until it has a row; `unset` says what an undefined value means.
 */
const TIER_ROWS: Record<keyof TierDefaults, { what: string; unset?: string }> = {
    ingress: { what: "`slipway:ingress` (ECS)" },
    beanstalkEnvironmentType: { what: "`slipway:beanstalkEnvironmentType`" },
    beanstalkDeploymentPolicy: { what: "`slipway:beanstalkDeploymentPolicy`" },
    deployStrategy: { what: "`slipway:deployStrategy` (ECS behind an ALB; `rolling` with the HTTP API)" },
    imageStack: { what: "`slipway:imageStack`", unset: "its own" },
    protect: { what: "secrets, logs and data kept through a destroy (`protect`, deletion protection; no key)" },
    containerInsights: { what: "ECS Container Insights (no key)" },
    workersAtMinimum: { what: "`slipway:workers` run desiredCount = minCount (ECS)" },
};

/** What each tier gets for a by-tier key left empty (infra/config/tiers.ts TIER_DEFAULTS). */
export function tierTable(): string[] {
    const tiers = Object.keys(TIER_DEFAULTS) as Tier[];
    const show = (field: keyof TierDefaults, v: TierDefaults[keyof TierDefaults]) => {
        if (v === undefined) {
            const unset = TIER_ROWS[field].unset;
            if (!unset) throw new Error(`TIER_DEFAULTS leaves ${field} undefined for a tier: say what that means in TIER_ROWS (tools/docs/gen-config.ts)`);
            return unset;
        }
        return typeof v === "boolean" ? (v ? "yes" : "no") : code(String(v));
    };
    const rows = (Object.keys(TIER_ROWS) as (keyof TierDefaults)[]).map(
        (field) => `| ${TIER_ROWS[field].what} | ${tiers.map((t) => show(field, TIER_DEFAULTS[t][field])).join(" | ")} |`,
    );
    return [`| by-tier default | ${tiers.map(code).join(" | ")} |`, `|---|${tiers.map(() => "---").join("|")}|`, ...rows];
}

const REGIONS: Region[] = [
    { start: "<!-- config-table:start (generated by npm run gen:config) -->", end: "<!-- config-table:end -->", body: configTable },
    { start: "<!-- tier-table:start (generated by npm run gen:config) -->", end: "<!-- tier-table:end -->", body: tierTable },
];

/** docs/config.md's text with each generated table replaced by the current one. */
export function configDocWithTables(doc: string): string {
    return REGIONS.reduce((text, { start, end, body }) => {
        const from = text.indexOf(start);
        const to = text.indexOf(end);
        if (from < 0 || to < from) throw new Error(`docs/config.md lacks the ${start} … ${end} markers`);
        return text.slice(0, from) + [start, ...body(), end].join("\n") + text.slice(to + end.length);
    }, doc);
}

if (require.main === module) {
    fs.writeFileSync(PROJECT_FILE, projectFileText());
    fs.writeFileSync(CONFIG_DOC, configDocWithTables(fs.readFileSync(CONFIG_DOC, "utf8")));
    process.stdout.write("wrote Pulumi.yaml's config block and docs/config.md's tables\n");
}
