// Helpers for config validation tests: a shipped stack's raw config with keys changed, and the
// problems parseSettings reports for it.
import * as assert from "node:assert/strict";
import { ConfigError, parseSettings, RawConfig } from "../infra/config";
import { loadStackConfig } from "../tools/stack-config";
import { FIXTURES } from "./helpers";

/**
 * Raw config of a shipped stack with keys changed (null removes one); `stacks` answers
 * readStackConfig for the delivery stack's pipeline targets.
 */
export function rawConfig(
    stack: string,
    changes: Record<string, string | null> = {},
    stacks: Record<string, Record<string, string>> = {},
): RawConfig {
    const cfg = loadStackConfig(FIXTURES, stack);
    const values = { ...cfg.config };
    for (const [k, v] of Object.entries(changes)) {
        if (v === null) delete values[k];
        else values[k] = v;
    }
    return { project: cfg.project, stack, values, secretKeys: new Set(cfg.secretKeys), readStackConfig: (s) => stacks[s] };
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
