#!/usr/bin/env bash
# Adds a migration for both databases at once, so SQLite and PostgreSQL never drift apart.
#   scripts/add-migration.sh <Name>
set -euo pipefail
name="${1:?usage: scripts/add-migration.sh <MigrationName>}"
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
dotnet ef migrations add "$name" --project src/Masthead --context SqliteAppDbContext --output-dir Data/Migrations/Sqlite
dotnet ef migrations add "$name" --project src/Masthead --context PostgresAppDbContext --output-dir Data/Migrations/Postgres --no-build
