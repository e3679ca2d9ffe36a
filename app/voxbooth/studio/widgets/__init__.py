"""The studio's widgets: they show models and emit what the user asked for, nothing more."""
