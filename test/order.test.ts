// infra/shared/order.ts: names in what AWS receives are ordered alike on every machine, whatever its locale.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { byName } from "../infra/shared/order";
import { containerDefinitions } from "../infra/platforms/ecs/task-definition";
import { ownImageArtifactFiles, ownImageBuildCommands, pipelineImages } from "../infra/platforms/ecs/service-images";

const english = new Intl.Collator("en");

test("byName orders names as the root collation (Intl.Collator('en')) does: letters, digits, '_' and '-', any case", () => {
    // Seeded, so a failure is the same on every run.
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const alphabet = "aAbByYzZ09_-";
    const names: string[] = ["", "A", "a", "AA", "Aa", "aA", "A_B", "A-B", "AB", "A1", "A_", "A-", "_", "-", "0", "DB_HOST", "DBX", "db_host"];
    for (let i = 0; i < 3000; i++) names.push(Array.from({ length: 1 + Math.floor(random() * 5) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(""));
    for (let i = 0; i < names.length; i++) {
        for (const other of [names[(i * 7 + 3) % names.length], names[(i * 13 + 1) % names.length], names[i]]) {
            assert.equal(byName(names[i], other), Math.sign(english.compare(names[i], other)), `${JSON.stringify(names[i])} vs ${JSON.stringify(other)}`);
        }
    }
    // Beyond that alphabet, the collator itself.
    assert.equal(byName("a.b", "a b"), Math.sign(english.compare("a.b", "a b")));
    assert.equal(byName("Ärger", "Zebra"), -1);
});

test("a container's environment and the pipeline's images keep the root order when the machine's locale is Danish or Lithuanian", () => {
    const localeCompare = Object.getOwnPropertyDescriptor(String.prototype, "localeCompare")!;
    const planned = () => ({
        environment: (containerDefinitions({ image: "i", environment: { ZONE: "1", AA_X: "2", YEAR: "3", IMAGE: "4", AB: "5" }, secretNames: [], logGroup: "g", region: "us-east-1" })[0].environment as { name: string }[]).map((e) => e.name),
        images: pipelineImages([{ images: [{ service: "aa-sync" }, { service: "zebra" }, { service: "yard" }, { service: "ink" }] as never }]).map((i) => i.service),
        files: ownImageArtifactFiles([{ service: "aa-sync" }, { service: "zebra" }] as never),
        // The buildspec builds and promotes the own images in that order too.
        builds: ownImageBuildCommands([{ service: "zebra" }, { service: "aa-sync" }] as never, "").after,
    });
    const expected = planned();
    assert.deepEqual(expected.environment, ["AA_X", "AB", "IMAGE", "YEAR", "ZONE"]);
    assert.deepEqual(expected.images, ["aa-sync", "ink", "yard", "zebra"]);
    assert.match(expected.builds.join("\n"), /aa-sync[\s\S]*zebra/);
    try {
        for (const locale of ["da", "lt"]) {
            // What localeCompare does with no locale argument on a machine whose LANG is that locale's.
            const collator = new Intl.Collator(locale);
            Object.defineProperty(String.prototype, "localeCompare", { ...localeCompare, value: function (this: string, that: string) { return collator.compare(this, that); } });
            assert.deepEqual(planned(), expected, locale);
        }
    } finally {
        Object.defineProperty(String.prototype, "localeCompare", localeCompare);
    }
});
