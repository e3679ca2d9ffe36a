"""Request and response bodies, one module per resource (Create / Update / Public families)."""
