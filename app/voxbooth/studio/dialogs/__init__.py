"""The studio's dialogs: settings, statistics and credits, keyboard shortcuts."""
