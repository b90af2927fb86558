// The release alarms' keys (infra/config/alarm-keys.ts): each rejected value names its key and the fix.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { EnvironmentSettings, parseSettings } from "../infra/config/settings";
import { problemsOf, rawConfig, rejects } from "./config-helpers";

const settings = (stack: string, changes: Record<string, string | null> = {}) => parseSettings(rawConfig(stack, changes)) as EnvironmentSettings;

test("release alarms are on by default, with the documented thresholds", () => {
    assert.deepEqual(settings("staging").alarms, { enabled: true, errorRatePercent: 5, latencyP95Ms: 2000, unhealthyTargets: 1, minutes: 3 });
});

test("each alarm key is read from the stack file", () => {
    const a = settings("production", { "slipway:alarmErrorRatePercent": "2", "slipway:alarmLatencyP95Ms": "800", "slipway:alarmUnhealthyTargets": "2", "slipway:alarmMinutes": "5", "slipway:releaseAlarms": "false" }).alarms;
    assert.deepEqual(a, { enabled: false, errorRatePercent: 2, latencyP95Ms: 800, unhealthyTargets: 2, minutes: 5 });
});

test("an error-rate threshold outside 1–100 percent is rejected", () => {
    rejects(rawConfig("staging", { "slipway:alarmErrorRatePercent": "0" }), "slipway:alarmErrorRatePercent", "must be 1–100", "pulumi config set slipway:alarmErrorRatePercent");
    rejects(rawConfig("staging", { "slipway:alarmErrorRatePercent": "101" }), "slipway:alarmErrorRatePercent", "must be 1–100");
    rejects(rawConfig("staging", { "slipway:alarmErrorRatePercent": "2.5" }), "slipway:alarmErrorRatePercent", "is not an integer");
});

test("a p95 latency threshold beyond API Gateway's 30 s integration timeout, or under 10 ms, is rejected", () => {
    rejects(rawConfig("staging", { "slipway:alarmLatencyP95Ms": "31000" }), "slipway:alarmLatencyP95Ms", "30 s");
    rejects(rawConfig("staging", { "slipway:alarmLatencyP95Ms": "5" }), "slipway:alarmLatencyP95Ms", "must be 10–30000");
});

test("alarm periods outside 1–60 minutes are rejected", () => {
    rejects(rawConfig("staging", { "slipway:alarmMinutes": "0" }), "slipway:alarmMinutes", "must be 1–60");
    rejects(rawConfig("staging", { "slipway:alarmMinutes": "61" }), "slipway:alarmMinutes", "must be 1–60");
});

test("releaseAlarms must be true or false", () => {
    rejects(rawConfig("staging", { "slipway:releaseAlarms": "yes" }), "slipway:releaseAlarms", "true or false");
});

test("an unhealthy-target threshold above maxCount could never fire behind an ALB, and is rejected with the fix", () => {
    rejects(rawConfig("production", { "slipway:alarmUnhealthyTargets": "7" }), "slipway:alarmUnhealthyTargets", "slipway:maxCount = 6", "could never fire", "--stack production");
    // Without a load balancer (staging's HTTP API) there is no such alarm, so nothing to refuse; nor with the alarms off.
    assert.deepEqual(problemsOf(rawConfig("staging", { "slipway:alarmUnhealthyTargets": "7" })), []);
    assert.deepEqual(problemsOf(rawConfig("production", { "slipway:alarmUnhealthyTargets": "7", "slipway:releaseAlarms": "false" })), []);
    // Beanstalk's release alarm watches enhanced health, not targets (PLATFORM_CONFIG.countsUnhealthyTargets).
    const beanstalk = problemsOf(rawConfig("production", { "slipway:platform": "beanstalk", "slipway:alarmUnhealthyTargets": "7" }));
    assert.ok(!beanstalk.some((p) => p.includes("slipway:alarmUnhealthyTargets")), beanstalk.join("\n"));
});

test("the delivery stack does not read the alarm keys: setting one there is a misplaced-key problem", () => {
    rejects(rawConfig("delivery", { "slipway:alarmMinutes": "5" }), "slipway:alarmMinutes", "environment setting", "pulumi config rm slipway:alarmMinutes");
});
