// Entry point for `pulumi up`/`pulumi preview`: the stack's outputs are this module's export.
import { program } from "./stacks/program";

export = program();
