"""Qt item models mirroring the service's projects, folders and takes (STYLE.md habit 4)."""
