-- Up Migration
-- Least-privilege roles. Passwords are set from the environment by `openpolicy migrate`, never here.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'openpolicy_query') THEN
    CREATE ROLE openpolicy_query LOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'openpolicy_projector') THEN
    CREATE ROLE openpolicy_projector LOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'openpolicy_command') THEN
    CREATE ROLE openpolicy_command LOGIN;
  END IF;
END $$;

REVOKE ALL ON SCHEMA events, command, projector, rm FROM PUBLIC;

-- The query service reads served documents and nothing else.
GRANT USAGE ON SCHEMA rm TO openpolicy_query;
GRANT SELECT ON ALL TABLES IN SCHEMA rm TO openpolicy_query;

-- The projector reads the log, owns the read models and its bookkeeping; it cannot alter the log.
GRANT USAGE ON SCHEMA events, rm, projector TO openpolicy_projector;
GRANT SELECT ON events.log TO openpolicy_projector;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA rm, projector TO openpolicy_projector;

-- The command service appends to the log and manages keys; it cannot touch read models.
GRANT USAGE ON SCHEMA events, command TO openpolicy_command;
GRANT SELECT, INSERT ON events.log TO openpolicy_command;
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA command TO openpolicy_command;

-- Tables and views added by later migrations inherit the same grants.
ALTER DEFAULT PRIVILEGES IN SCHEMA rm GRANT SELECT ON TABLES TO openpolicy_query;
ALTER DEFAULT PRIVILEGES IN SCHEMA rm GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO openpolicy_projector;
ALTER DEFAULT PRIVILEGES IN SCHEMA projector GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO openpolicy_projector;
ALTER DEFAULT PRIVILEGES IN SCHEMA command GRANT SELECT, INSERT, UPDATE ON TABLES TO openpolicy_command;
