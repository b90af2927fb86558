// Helpers for config validation tests: a fixture stack's raw config with keys changed, and the
// problems parseSettings reports for it.
import * as assert from "node:assert/strict";
import { ConfigError, parseSettings, RawConfig, readStackFile, readStackFileConfig } from "../infra/config/settings";
import { specFor } from "../infra/config/schema";
import { loadStackConfig } from "../tools/plan/stack-config";
import { FIXTURES } from "./helpers";

/**
 * Raw config of a fixture stack with keys changed (null removes one), as if its stack file said so:
 * each change is made to the stack file's own keys too. `stacks` answers readStackConfig for other
 * stacks (the delivery stack's pipeline targets, an environment's delivery stack); any stack it does
 * not name is read from its fixture file.
 */
export function rawConfig(
    stack: string,
    changes: Record<string, string | null> = {},
    stacks: Record<string, Record<string, string>> = {},
): RawConfig {
    const cfg = loadStackConfig(FIXTURES, stack);
    const values = { ...cfg.config };
    const stackFile = { ...(readStackFileConfig(FIXTURES, stack, cfg.project) ?? {}) };
    for (const [k, v] of Object.entries(changes)) {
        if (v === null) {
            delete values[k];
            delete stackFile[k];
        } else {
            values[k] = v;
            stackFile[k] = asWritten(k, v);
        }
    }
    return {
        project: cfg.project,
        stack,
        values,
        secretKeys: new Set(cfg.secretKeys),
        readStackConfig: (s) => stacks[s] ?? readStackFile(FIXTURES, s),
        stackFile,
    };
}

/** A changed value as a stack file holds it: lists and maps as YAML structures, the rest as text. */
function asWritten(key: string, text: string): unknown {
    const type = specFor(key.replace(/^slipway:/, ""))?.type;
    if (type !== "array" && type !== "map") return text;
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

/** Every problem parseSettings reports, or none. */
export function problemsOf(r: RawConfig): string[] {
    try {
        parseSettings(r);
    } catch (e) {
        if (e instanceof ConfigError) return e.problems;
        throw e;
    }
    return [];
}

/** Asserts exactly one problem, naming `key` and containing every fragment. */
export function rejects(r: RawConfig, key: string, ...fragments: string[]): void {
    const problems = problemsOf(r);
    assert.equal(problems.length, 1, `expected one problem, got:\n${problems.join("\n")}`);
    assert.ok(problems[0].includes(key), `problem does not name ${key}: ${problems[0]}`);
    for (const f of fragments) assert.ok(problems[0].includes(f), `problem lacks "${f}": ${problems[0]}`);
}
