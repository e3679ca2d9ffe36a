"""The outbox: every take and dropped file on its way to the service (one queue, one policy)."""
