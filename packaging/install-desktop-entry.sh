#!/usr/bin/env bash
# Puts VoxBooth Studio in the desktop's application menu for the current user:
# the .desktop entry and the icon, under $XDG_DATA_HOME (default ~/.local/share).
# Usage: packaging/install-desktop-entry.sh [--uninstall]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
apps="$data/applications"
icons="$data/icons/hicolor/scalable/apps"
if [[ "${1:-}" == "--uninstall" ]]; then
    rm -f "$apps/voxbooth.desktop" "$icons/voxbooth.svg"
    echo "VoxBooth Studio removed from the application menu"
    exit 0
fi
mkdir -p "$apps" "$icons"
# Exec points at this checkout's venv, so the menu entry runs the installed studio.
sed "s|^Exec=voxbooth |Exec=$here/.venv/bin/voxbooth |" "$here/resources/voxbooth.desktop" \
    > "$apps/voxbooth.desktop"
cp "$here/resources/icons/voxbooth.svg" "$icons/voxbooth.svg"
if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database "$apps" || true
fi
echo "VoxBooth Studio added to the application menu ($apps/voxbooth.desktop)"
