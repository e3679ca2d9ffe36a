"""Business logic of the service, one module per resource; routes only translate HTTP."""
