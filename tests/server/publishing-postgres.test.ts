import { describe, it } from "vitest";
import { scratchPostgres } from "../support/scratch-postgres";
import { publishingSuite } from "./publishing-suite";

const adminUrl = process.env.TEST_DATABASE_URL;
if (adminUrl) {
  publishingSuite("postgres", () => scratchPostgres(adminUrl, "publishing"));
} else {
  describe.skip("publishing [postgres] (set TEST_DATABASE_URL to run)", () => {
    it("runs against PostgreSQL", () => undefined);
  });
}
