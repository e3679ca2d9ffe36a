"""The studio's one door to the service: the typed backend over `voxbooth.api`, the requests that
run its calls in workers, the connection that keeps it usable, the embedded service and the
worker pool. No other part of the studio imports `voxbooth.api`."""
