#!/usr/bin/env bash
# Regenerate the single pre-release migration (docs/architecture.md, "Migrations") from the models.
set -euo pipefail
cd "$(dirname "$0")/.."
db=$(mktemp -d)/empty.sqlite3
target=migrations/versions/0001_initial_schema.py
rm -f "$target"
APP_ENV=development DATABASE_URL="sqlite:///$db" .venv/bin/flask --app app db revision -m "initial schema" >/dev/null
made=$(ls -t migrations/versions/*_initial_schema.py | head -n 1)
sed -i -E "s/^revision: str = .*/revision: str = '0001'/; s/^Revision ID: .*/Revision ID: 0001/" "$made"
mv "$made" "$target"
rm -rf "$(dirname "$db")"
echo "regenerated $target"
