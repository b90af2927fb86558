// Entry point for `pulumi up`/`pulumi preview`: the stack's outputs are what this module's exported function
// resolves to. A function, not its promise: the runtime calls it and awaits the result at once (cmd/run/run.js),
// where a promise exported at load would sit unawaited over the runtime's own file checks, and a rejection in
// the stack's first synchronous part would reach Node as an unhandled rejection first.
import { program } from "./stacks/program";

export = () => program();
