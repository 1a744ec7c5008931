-- Every installation starts with one workspace, "local" (lib/db/schema.ts LOCAL_WORKSPACE_ID).
INSERT INTO "workspaces" ("id", "name") VALUES ('local', 'Local') ON CONFLICT ("id") DO NOTHING;
