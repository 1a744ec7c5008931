import { publishingSuite } from "./publishing-suite";

publishingSuite("pglite", async () => ({}));
