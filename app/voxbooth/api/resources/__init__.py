"""One small module per resource of the service's API."""
