-- Railyard: Postgres initialisation for a fresh server (docker-compose mounts it in /docker-entrypoint-initdb.d,
-- which runs it once, as the superuser, with psql). Safe to run again by hand:
--   psql -v ON_ERROR_STOP=1 -U postgres -d postgres -f infra/postgres/init.sql
--
-- The services create their own schemas (eventstore, messaging, planning, …) at start; this file only makes the
-- database and the analysts' read-only access to `reporting` (DESIGN §4 "Reporting schema").

-- CREATE DATABASE cannot run inside a DO block or a transaction: \gexec runs it only when it is missing.
SELECT 'CREATE DATABASE railyard' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'railyard')\gexec

-- Roles are cluster-wide. LOGIN without a password: local development uses trust authentication. In production
-- give it a password, or make it NOLOGIN and grant it to each analyst's own login (GRANT railyard_analyst TO alice).
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'railyard_analyst') THEN
    CREATE ROLE railyard_analyst LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION;
  END IF;
END
$$;
-- Belt and braces: even a grant given by mistake later cannot be used to write.
ALTER ROLE railyard_analyst SET default_transaction_read_only = on;

\connect railyard

-- Nothing by default: no temporary tables and no objects in `public` for anyone who is not granted them.
REVOKE TEMPORARY ON DATABASE railyard FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT CONNECT ON DATABASE railyard TO railyard_analyst;

-- Governance owns `reporting`; creating it here lets the grants below exist before the service first starts. The
-- governance service makes the same grants (and sets RAILYARD_ANALYST_PASSWORD) at every start, so a database created
-- without this file still gets them (services/governance/src/reporting/analyst-role.ts).
CREATE SCHEMA IF NOT EXISTS reporting;
REVOKE ALL ON SCHEMA reporting FROM PUBLIC;
GRANT USAGE ON SCHEMA reporting TO railyard_analyst;
GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO railyard_analyst;

-- Tables and views created later in `reporting` by the role running this script (the one the services use in
-- docker-compose) are readable too. If governance runs under its own role, repeat this with FOR ROLE <that role>.
ALTER DEFAULT PRIVILEGES IN SCHEMA reporting GRANT SELECT ON TABLES TO railyard_analyst;
