#!/usr/bin/env bash
# Set up and run the main job: load the embedded Outline into SQLite (data/yrd.sqlite unless
# YRD_DATABASE_URL says otherwise) and serve the web app on http://127.0.0.1:8000.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
apt_install fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 ||
  echo "warning: CJK fonts or Pango not installed; pages use the browser's fonts, PDF reports fail" >&2
setup_venv ""
exec .venv/bin/yrd serve "$@"
