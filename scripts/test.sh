#!/usr/bin/env bash
# Set up and run the whole test suite: lint, then every test on SQLite and on a throwaway
# PostgreSQL server, and the web pages in headless Chromium. Installs what is missing.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
apt_install postgresql chromium fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0
setup_venv "test"
.venv/bin/ruff check src tests bench
.venv/bin/ruff format --check src tests bench
exec .venv/bin/python -m pytest "$@"
