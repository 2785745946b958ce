-- HsmWallet state store, schema version 1: one table of opaque documents (docs/deployment.md).
-- Applied by `hsmwallet state migrate` (PostgresMigrations) in one transaction with its version row.
-- The callers seal what must not be edited; the database only keeps bytes under a name.
CREATE TABLE hsmwallet_documents (
    name text PRIMARY KEY CHECK (name ~ '^[a-z0-9_-]{1,40}/[a-z0-9_-][a-z0-9._-]{0,150}$'),
    content bytea NOT NULL CHECK (octet_length(content) <= 1048576),
    updated_at timestamptz NOT NULL DEFAULT now()
);
