-- pgvector: embeddings of knowledge bases live in vector columns (drizzle-kit does not emit this).
-- On a PostgreSQL server the extension must be installed and, as it is not "trusted", created by
-- a superuser once (scripts/install-pgvector.sh); IF NOT EXISTS then lets an ordinary owner migrate.
CREATE EXTENSION IF NOT EXISTS vector;
