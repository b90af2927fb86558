// @ts-check
// Preload (`node --require ./tools/lazy-modules.cjs`): @pulumi/pulumi requires `typescript` and
// `@npmcli/arborist` at start-up, but uses them only to serialize closures (never done by this
// program, its plan or its tests). Each becomes a proxy that loads the real module on first use.
// Measured here: loading @pulumi/pulumi drops from ~0.5 s / 124 MB RSS to ~0.25 s / 71 MB.
// The bundled fast plan (tools/run-bundled.cjs) does the same at bundle time.
"use strict";
const Module = require("module");
const path = require("path");

const LAZY = new Set(["typescript", "@npmcli/arborist"]);
const PULUMI = `${path.sep}node_modules${path.sep}@pulumi${path.sep}pulumi${path.sep}`;
/** @type {(request: string, parent: unknown, isMain: boolean) => unknown} */
// @ts-expect-error Module._load is internal
const load = Module._load;

/** @param {string} request @param {unknown} parent */
function lazy(request, parent) {
    /** @type {Record<string | symbol, unknown> | undefined} */
    let real;
    const get = () => (real ??= /** @type {Record<string | symbol, unknown>} */ (load.call(Module, request, parent, false)));
    // `__esModule` answers without loading: tslib's __importStar and CJS interop ask for it.
    const target = Object.defineProperty({}, "__esModule", { value: true });
    return new Proxy(target, {
        get: (t, k) => (k === "__esModule" ? true : get()[k]),
        has: (t, k) => k === "__esModule" || k in get(),
        ownKeys: () => [...new Set([...Reflect.ownKeys(get()), "__esModule"])],
        getOwnPropertyDescriptor: (t, k) => {
            if (k === "__esModule") return Reflect.getOwnPropertyDescriptor(t, k);
            // tsx's CJS loader looks for Node's "module.exports" marker on every module's exports; a CJS module has none.
            if (!real && k === "module.exports") return undefined;
            const d = Reflect.getOwnPropertyDescriptor(get(), k);
            return d && { ...d, configurable: true };
        },
    });
}

// @ts-expect-error Module._load is internal
Module._load = function (/** @type {string} */ request, /** @type {{ filename?: string } | undefined} */ parent, /** @type {boolean} */ isMain) {
    if (LAZY.has(request) && parent?.filename?.includes(PULUMI)) return lazy(request, parent);
    return load.call(this, request, parent, isMain);
};
